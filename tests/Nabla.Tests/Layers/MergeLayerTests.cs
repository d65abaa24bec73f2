using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

public class MergeLayerTests
{
    private static Tensor Random(int seed, params int[] shape) => GradientCheck.Random(seed, -1, 1, shape);

    public static TheoryData<string> Elementwise => ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"];

    private static Merge Create(string name) => name switch
    {
        "Add" => new Add(),
        "Subtract" => new Subtract(),
        "Multiply" => new Multiply(),
        "Average" => new Average(),
        "Maximum" => new Maximum(),
        "Minimum" => new Minimum(),
        _ => throw new ArgumentException(name),
    };

    private static float Reference(string name, float a, float b) => name switch
    {
        "Add" => a + b,
        "Subtract" => a - b,
        "Multiply" => a * b,
        "Average" => (a + b) / 2,
        "Maximum" => Math.Max(a, b),
        "Minimum" => Math.Min(a, b),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void ElementwiseMergesComputeTheirFunctionAndBroadcastAOneDimension(string name)
    {
        var a = Random(1, 4, 3, 5);
        var b = Random(2, 4, 1, 5); // per-sample (1, 5) stretches along the first axis
        var output = Create(name).Call([a, b], training: false);
        Assert.Equal([4, 3, 5], output.Shape);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 5; k++)
                    Assert.Equal(Reference(name, a.Data[(i * 3 + j) * 5 + k], b.Data[i * 5 + k]), output.Data[(i * 3 + j) * 5 + k], 1e-6);
    }

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void ElementwiseMergeGradientsMatchFiniteDifferences(string name)
    {
        // Distinct values keep Maximum/Minimum away from ties, where the function has no derivative.
        var a = Random(3, 3, 4);
        var b = Random(4, 3, 4);
        for (int i = 0; i < b.Size; i++) b.Data[i] = b.Data[i] * 0.5f + (i % 2 == 0 ? 0.8f : -0.8f);
        GradientCheck.Check(t => Create(name).Call([t[0], t[1]], training: false), [a, b]);
    }

    [Fact]
    public void MergesOfThreeInputsAndOfLowerRankInputs()
    {
        var a = Random(5, 2, 3);
        var b = Random(6, 2, 3);
        var c = Random(7, 2, 3);
        var sum = new Add().Call([a, b, c], false);
        var average = new Average().Call([a, b, c], false);
        for (int i = 0; i < a.Size; i++)
        {
            Assert.Equal(a.Data[i] + b.Data[i] + c.Data[i], sum.Data[i], 1e-5);
            Assert.Equal((a.Data[i] + b.Data[i] + c.Data[i]) / 3, average.Data[i], 1e-5);
        }
        // Keras expands a lower-rank input after the batch axis: (None, 3) against (None, 2, 3).
        var wide = Random(8, 2, 2, 3);
        var broadcast = new Add().Call([wide, a], false);
        Assert.Equal([2, 2, 3], broadcast.Shape);
        Assert.Equal(wide.Data[1 * 6 + 1 * 3 + 2] + a.Data[1 * 3 + 2], broadcast.Data[1 * 6 + 1 * 3 + 2], 1e-6);
    }

    [Fact]
    public void IncompatibleShapesAndWrongInputCountsNameTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Add(name: "plus").Apply(new Input([3]), new Input([4])));
        Assert.Contains("'plus'", e.Message);
        Assert.Contains("(None, 3)", e.Message);
        Assert.Contains("(None, 4)", e.Message);
        var single = Assert.Throws<ArgumentException>(() => new Add(name: "alone").Apply(new Input([3])));
        Assert.Contains("at least 2 inputs", single.Message);
        var three = Assert.Throws<ArgumentException>(() => new Subtract().Apply(new Input([3]), new Input([3]), new Input([3])));
        Assert.Contains("exactly 2 inputs", three.Message);
    }

    [Fact]
    public void ConcatenateJoinsOnItsAxisAndChecksTheOthers()
    {
        var a = Random(1, 2, 3, 4);
        var b = Random(2, 2, 3, 2);
        var joined = new Concatenate().Call([a, b], false);
        Assert.Equal([2, 3, 6], joined.Shape);
        Assert.Equal(b.Data[(1 * 3 + 2) * 2 + 1], joined.Data[(1 * 3 + 2) * 6 + 5]);
        var onAxis1 = new Concatenate(axis: 1).Apply(new Input([3, 4]), new Input([5, 4]));
        Assert.Equal([8, 4], onAxis1.Shape);
        var e = Assert.Throws<ArgumentException>(() => new Concatenate(name: "cat").Apply(new Input([3, 4]), new Input([5, 4])));
        Assert.Contains("'cat'", e.Message);
        Assert.Contains("except for the concatenation axis", e.Message);
        var batchAxis = Assert.Throws<ArgumentException>(() => new Concatenate(axis: 0).Apply(new Input([3]), new Input([3])));
        Assert.Contains("axis 0", batchAxis.Message);
        GradientCheck.Check(t => new Concatenate().Call([t[0], t[1]], false), [Random(3, 2, 3), Random(4, 2, 2)]);
    }

    [Fact]
    public void ConcatenateDefaultAxisIsKerasMinusOne()
    {
        // keras/src/layers/merging/concatenate.py: Concatenate(axis=-1, **kwargs)
        Assert.Equal(-1, new Concatenate().Axis);
    }

    [Fact]
    public void DotIsThePerSampleDotProductAndNormalizeGivesTheCosine()
    {
        var a = Random(1, 3, 4);
        var b = Random(2, 3, 4);
        var dot = new Dot(axes: 1).Call([a, b], false);
        var cosine = new Dot(axes: 1, normalize: true).Call([a, b], false);
        Assert.Equal([3, 1], dot.Shape);
        for (int i = 0; i < 3; i++)
        {
            double d = 0, na = 0, nb = 0;
            for (int k = 0; k < 4; k++)
            {
                d += a.Data[i * 4 + k] * b.Data[i * 4 + k];
                na += a.Data[i * 4 + k] * a.Data[i * 4 + k];
                nb += b.Data[i * 4 + k] * b.Data[i * 4 + k];
            }
            Assert.Equal(d, dot.Data[i], 1e-5);
            Assert.Equal(d / Math.Sqrt(na * nb), cosine.Data[i], 1e-5);
        }
        GradientCheck.Check(t => new Dot(1).Call([t[0], t[1]], false), [Random(3, 2, 4), Random(4, 2, 4)]);
        GradientCheck.Check(t => new Dot(1, normalize: true).Call([t[0], t[1]], false), [Random(5, 2, 4), Random(6, 2, 4)]);
        var e = Assert.Throws<ArgumentException>(() => new Dot(1, name: "dot_bad").Apply(new Input([4]), new Input([5])));
        Assert.Contains("'dot_bad'", e.Message);
        Assert.Contains("4 != 5", e.Message);
    }

    [Fact]
    public void MergeLayerConfigsRoundTrip()
    {
        var concatenate = (Concatenate)Layer.Deserialize(Nabla.Configuration.Registry<Layer>.Serialize(new Concatenate(axis: 1, name: "c")));
        Assert.Equal(1, concatenate.Axis);
        Assert.Equal("c", concatenate.Name);
        var dot = (Dot)Layer.Deserialize(Nabla.Configuration.Registry<Layer>.Serialize(new Dot([1, -1], normalize: true, name: "d")));
        Assert.Equal([1, -1], dot.Axes);
        Assert.True(dot.Normalize);
        foreach (var name in new[] { "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum" })
            Assert.Equal(name, Layer.Deserialize(Nabla.Configuration.Registry<Layer>.Serialize(Create(name))).ClassName);
    }
}
