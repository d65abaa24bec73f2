using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>The gate functions of the fused recurrent kernels, at every lane width, against double precision.</summary>
public unsafe class LaneMathTests
{
    [Fact]
    public void ExpSigmoidAndTanhAreAccurateAtEveryWidth()
    {
        var xs = new float[4096];
        var rng = new Random(5);
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(rng.NextDouble() * 40 - 20);
        xs[0] = 0; xs[1] = -0f; xs[2] = 1e-6f; xs[3] = -1e-6f; xs[4] = 87f; xs[5] = -87f; xs[6] = 1e-3f; xs[7] = 0.5f;
        Check<Lanes512>(xs);
        Check<Lanes256>(xs);
        Check<Lanes128>(xs);
        Check<Lane1>(xs);
    }

    [Fact]
    public void SaturatesAndKeepsNaN()
    {
        float[] xs = [float.PositiveInfinity, float.NegativeInfinity, 1000f, -1000f, float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var sigmoid = Apply<Lanes512>(xs, LaneMath.Sigmoid);
        var tanh = Apply<Lanes512>(xs, LaneMath.Tanh);
        Assert.Equal([1f, 0f, 1f, 0f], sigmoid[..4]);
        Assert.Equal([1f, -1f, 1f, -1f], tanh[..4]);
        Assert.True(float.IsNaN(sigmoid[4]) && float.IsNaN(tanh[4]));
    }

    private static void Check<T>(float[] xs) where T : struct, IFloatLanes<T>
    {
        if (!T.IsAccelerated) return;
        var exp = Apply<T>(xs, LaneMath.Exp);
        var sigmoid = Apply<T>(xs, LaneMath.Sigmoid);
        var tanh = Apply<T>(xs, LaneMath.Tanh);
        for (int i = 0; i < xs.Length; i++)
        {
            double x = xs[i];
            AssertClose(Math.Exp(x), exp[i], 3e-7, 0, $"{typeof(T).Name} exp({x:G9})");
            AssertClose(1 / (1 + Math.Exp(-x)), sigmoid[i], 3e-7, 0, $"{typeof(T).Name} sigmoid({x:G9})");
            // Near 0 tanh x = (1 − e)/(1 + e) loses relative precision (as TensorPrimitives.Tanh): an absolute bound there.
            AssertClose(Math.Tanh(x), tanh[i], 3e-7, 1.2e-7, $"{typeof(T).Name} tanh({x:G9})");
        }
    }

    private static void AssertClose(double expected, float actual, double relative, double absolute, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected) + absolute,
            $"{what}: {actual:G9}, expected {expected:G9}");

    private static float[] Apply<T>(float[] xs, Func<T, T> function) where T : struct, IFloatLanes<T>
    {
        var result = new float[xs.Length];
        fixed (float* x = xs, y = result)
            for (int i = 0; i + T.Count <= xs.Length; i += T.Count)
                function(T.Load(x + i)).Store(y + i);
        return result;
    }
}
