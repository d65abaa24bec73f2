namespace Nabla.Tests.TestSupport;

/// <summary>
/// Finite-difference gradient checking. The loss is evaluated through Nabla in float32, so the
/// perturbed values are summed in float64 and the central difference uses a step large enough for
/// float32 rounding (h = 1e-2 relative to 1 by default): the error of the central difference is O(h²)
/// for smooth functions, well under the tolerances used (absolute + relative, both 2e-2 by default).
/// </summary>
public static class GradientCheck
{
    /// <param name="lossOf">Builds a tensor from the inputs; the checked scalar is the sum of its elements
    /// weighted by fixed random coefficients, so that a wrong gradient for any one element shows.</param>
    public static void Check(Func<Tensor[], Tensor> lossOf, Tensor[] inputs,
        double h = 1e-2, double tolerance = 2e-2, int seed = 1)
    {
        foreach (var t in inputs) t.RequiresGrad = true;
        var output = lossOf(inputs);
        var weights = RandomWeights(output.Size, seed);
        new Graph(output).Backward(Tensor.FromArray(weights, output.Shape));

        for (int i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            Assert.True(input.Grad is not null, $"Input {i} ({Tensor.ShapeString(input.Shape)}) got no gradient.");
            for (int j = 0; j < input.Size; j++)
            {
                float original = input.Data[j];
                input.Data[j] = (float)(original + h);
                double plus = WeightedSum(lossOf, inputs, weights);
                input.Data[j] = (float)(original - h);
                double minus = WeightedSum(lossOf, inputs, weights);
                input.Data[j] = original;
                double numeric = (plus - minus) / (2 * h);
                double analytic = input.Grad!.Data[j];
                double allowed = tolerance * (1 + Math.Abs(numeric));
                Assert.True(Math.Abs(numeric - analytic) <= allowed,
                    $"Input {i} element {j}: analytic {analytic:G6} vs numeric {numeric:G6} (allowed ±{allowed:G3}).");
            }
        }
    }

    private static double WeightedSum(Func<Tensor[], Tensor> lossOf, Tensor[] inputs, float[] weights)
    {
        using var _ = GradMode.NoGrad();
        var output = lossOf(inputs);
        double sum = 0;
        for (int i = 0; i < output.Size; i++) sum += (double)output.Data[i] * weights[i];
        return sum;
    }

    private static float[] RandomWeights(int count, int seed)
    {
        var rng = new RandomGenerator(seed);
        var w = new float[count];
        for (int i = 0; i < count; i++) w[i] = (float)rng.Uniform(0.5, 1.5);
        return w;
    }

    /// <summary>Random tensor with values in [low, high).</summary>
    public static Tensor Random(int seed, double low, double high, params int[] shape)
    {
        var rng = new RandomGenerator(seed);
        var t = new Tensor(shape);
        for (int i = 0; i < t.Size; i++) t.Data[i] = (float)rng.Uniform(low, high);
        return t;
    }
}
