using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Dot on inputs of any rank, as Keras's batch_dot (keras/src/layers/merging/dot.py): the output holds the first
/// input's remaining axes, then the second's; (None, 1) when none remains.</summary>
public class DotLayerTests
{
    private static Tensor Random(int seed, params int[] shape) => GradientCheck.Random(seed, -1, 1, shape);

    /// <summary>The contraction written out: per sample, every remaining index of a then of b, summed over the axes.</summary>
    private static float[] Reference(Tensor a, Tensor b, int axisA, int axisB, bool normalize)
    {
        if (normalize) (a, b) = (Normalized(a, axisA), Normalized(b, axisB));
        var result = new List<float>();
        for (int s = 0; s < a.Shape[0]; s++)
        {
            var restA = Indices(a.Shape[1..], axisA);
            var restB = Indices(b.Shape[1..], axisB);
            foreach (var i in restA)
                foreach (var j in restB)
                {
                    double sum = 0;
                    for (int k = 0; k < a.Shape[axisA + 1]; k++)
                        sum += At(a, s, i, axisA, k) * At(b, s, j, axisB, k);
                    result.Add((float)sum);
                }
        }
        return [.. result];
    }

    /// <summary>Every index of a per-sample shape with <paramref name="skip"/> left out, in row-major order.</summary>
    private static List<int[]> Indices(int[] shape, int skip)
    {
        var dims = shape.Where((_, d) => d != skip).ToArray();
        var all = new List<int[]> { Array.Empty<int>() };
        foreach (int size in dims) all = all.SelectMany(prefix => Enumerable.Range(0, size).Select(v => (int[])[.. prefix, v])).ToList();
        return all;
    }

    private static float At(Tensor t, int sample, int[] rest, int axis, int k)
    {
        var index = rest.ToList();
        index.Insert(axis, k);
        int flat = sample;
        for (int d = 0; d < index.Count; d++) flat = flat * t.Shape[d + 1] + index[d];
        return t.Data[flat];
    }

    private static Tensor Normalized(Tensor t, int axis)
    {
        var result = t.Clone();
        for (int s = 0; s < t.Shape[0]; s++)
            foreach (var rest in Indices(t.Shape[1..], axis))
            {
                double norm = Math.Sqrt(Enumerable.Range(0, t.Shape[axis + 1]).Sum(k => Math.Pow(At(t, s, rest, axis, k), 2)));
                var index = rest.ToList();
                for (int k = 0; k < t.Shape[axis + 1]; k++)
                {
                    index.Insert(axis, k);
                    int flat = s;
                    for (int d = 0; d < index.Count; d++) flat = flat * t.Shape[d + 1] + index[d];
                    result.Data[flat] = (float)(t.Data[flat] / norm);
                    index.RemoveAt(axis);
                }
            }
        return result;
    }

    [Theory]
    // (None, 3, 4)·(None, 4, 5), axes (2, 1): one matrix product per sample.
    [InlineData(new[] { 3, 4 }, new[] { 4, 5 }, 2, 1, new[] { 3, 5 }, false)]
    // (None, 3, 4)·(None, 3, 5), axes 1: aᵀ·b per sample.
    [InlineData(new[] { 3, 4 }, new[] { 3, 5 }, 1, 1, new[] { 4, 5 }, false)]
    [InlineData(new[] { 3, 4 }, new[] { 3, 5 }, 1, 1, new[] { 4, 5 }, true)]
    // Negative axes count from the end of the full shape; a rank-4 input keeps its two other axes.
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, -1, -1, new[] { 2, 3 }, false)]
    [InlineData(new[] { 4 }, new[] { 4, 5 }, 1, 1, new[] { 5 }, true)]
    [InlineData(new[] { 4, 2 }, new[] { 3, 4 }, 1, 2, new[] { 2, 3 }, true)]
    public void DotContractsTheGivenAxesAsKerasBatchDot(int[] shapeA, int[] shapeB, int axisA, int axisB, int[] expected, bool normalize)
    {
        var a = Random(1, [2, .. shapeA]);
        var b = Random(2, [2, .. shapeB]);
        var dot = new Dot([axisA, axisB], normalize);
        Assert.Equal(expected, dot.Apply(new Input(shapeA), new Input(shapeB)).Shape);
        var output = dot.Call([a, b], false);
        Assert.Equal([2, .. expected], output.Shape);
        int resolvedA = (axisA < 0 ? axisA + shapeA.Length + 1 : axisA) - 1, resolvedB = (axisB < 0 ? axisB + shapeB.Length + 1 : axisB) - 1;
        var reference = Reference(a, b, resolvedA, resolvedB, normalize);
        for (int i = 0; i < reference.Length; i++) Assert.Equal(reference[i], output.Data[i], 1e-5);

        GradientCheck.Check(t => new Dot([axisA, axisB], normalize).Call([t[0], t[1]], false), [Random(3, [2, .. shapeA]), Random(4, [2, .. shapeB])]);
    }

    [Fact]
    public void ANonPerSampleAxisAndMismatchedSizesAreRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dot(0, name: "dot_batch").Apply(new Input([3, 4]), new Input([3, 4])));
        Assert.Contains("'dot_batch'", e.Message);
        Assert.Contains("batch axis 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dot(3, name: "dot_far").Apply(new Input([3, 4]), new Input([3, 4])));
        Assert.Contains("axis 3 of input 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dot([2, 1], name: "dot_sizes").Apply(new Input([3, 4]), new Input([5, 6])));
        Assert.Contains("4 != 5", e.Message);
    }

    [Fact]
    public void AFunctionalModelWithARankThreeDotTrains()
    {
        Utils.SetRandomSeed(3);
        var left = new Input([3, 4]);
        var right = new Input([4, 2]);
        var product = new Dot([2, 1]).Apply(new Dense(4).Apply(left), right);
        var model = new Model([left, right], new Dense(1).Apply(new Flatten().Apply(product)));
        model.Compile(new Nabla.Optimizers.Adam(learningRate: 0.02), "mse");
        var x = new[] { Random(5, 32, 3, 4), Random(6, 32, 4, 2) };
        // A target the model can express: the sum of the per-sample products left·right.
        var y = new Tensor(32, 1);
        for (int s = 0; s < 32; s++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    for (int k = 0; k < 4; k++)
                        y.Data[s] += x[0].Data[s * 12 + i * 4 + k] * x[1].Data[s * 8 + k * 2 + j];
        double before = model.Evaluate(x, [y])["loss"];
        model.Fit(x, [y], epochs: 60, batchSize: 8, verbose: 0);
        double after = model.Evaluate(x, [y])["loss"];
        Assert.True(after < before / 4, $"loss {before} -> {after}");
    }
}
