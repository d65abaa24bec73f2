namespace Nabla.Tests.Optimizers;

/// <summary>Shared fixtures: a 2x3 Dense-kernel-shaped parameter and its gradients, and float comparisons.</summary>
internal static class OptimizerTestSupport
{
    /// <summary>The kernel of a Dense(3) layer on 2 inputs, row-major.</summary>
    public static readonly float[] W0 = [0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f];

    /// <summary>First-step gradient. The 0 entry checks that a zero gradient moves nothing.</summary>
    public static readonly float[] G1 = [0.5f, -1.0f, 2.0f, 0.0f, 0.25f, -3.0f];

    /// <summary>Second-step gradient, different from the first so that the carried state (moments) matters.</summary>
    public static readonly float[] G2 = [1.0f, -0.5f, 0.25f, 2.0f, -1.5f, 0.75f];

    public static Tensor Kernel(string name = "dense/kernel") =>
        Tensor.FromArray((float[])W0.Clone(), 2, 3).Also(t => { t.Name = name; t.RequiresGrad = true; });

    public static void SetGrad(Tensor parameter, float[] gradient) =>
        parameter.Grad = Tensor.FromArray((float[])gradient.Clone(), parameter.Shape);

    /// <summary>Runs one step per gradient on a fresh 2x3 kernel and returns its values.</summary>
    public static float[] Run(Nabla.Optimizers.Optimizer optimizer, params float[][] gradients)
    {
        var kernel = Kernel();
        foreach (var g in gradients)
        {
            SetGrad(kernel, g);
            optimizer.Apply([kernel]);
        }
        return kernel.Data;
    }

    public static float[] Scaled(float[] values, float factor) => values.Select(v => v * factor).ToArray();

    /// <summary>Equal within <paramref name="tolerance"/> absolute + 1e-6 relative (float32 rounding of the steps).</summary>
    public static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = tolerance + 1e-6 * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= allowed,
                $"Element {i}: expected {expected[i]:R}, got {actual[i]:R} (allowed difference {allowed:G3}).");
        }
    }

    private static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
