using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class ReductionGradientTests
{
    private static Tensor R(int seed, params int[] shape) => GradientCheck.Random(seed, -1, 1, shape);

    /// <summary>Values 0.1 apart in shuffled order: no two are within the finite-difference step, so the
    /// maximum never changes hands while the checker perturbs an element.</summary>
    private static Tensor Distinct(int seed, params int[] shape)
    {
        var t = new Tensor(shape);
        var order = Enumerable.Range(0, t.Size).ToArray();
        new RandomGenerator(seed).Shuffle(order);
        for (int i = 0; i < t.Size; i++) t.Data[i] = order[i] * 0.1f - 1f;
        return t;
    }

    [Theory]
    [InlineData(new[] { 0 }, false)]
    [InlineData(new[] { 1 }, true)]
    [InlineData(new[] { -1 }, false)]
    [InlineData(new[] { 0, 2 }, false)]
    [InlineData(new[] { 2, 0 }, true)]
    public void SumAndMeanOverAxesMatchFiniteDifferences(int[] axes, bool keepDims)
    {
        GradientCheck.Check(t => Tensor.Sum(t[0], axes, keepDims), [R(1, 2, 3, 4)]);
        GradientCheck.Check(t => Tensor.Mean(t[0], axes, keepDims), [R(2, 2, 3, 4)]);
    }

    [Fact]
    public void SumAndMeanOverEverythingGiveRankZeroScalars()
    {
        GradientCheck.Check(t => Tensor.Sum(t[0]), [R(3, 2, 3)]);
        GradientCheck.Check(t => Tensor.Mean(t[0]), [R(4, 2, 3)]);
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal(0, Tensor.Sum(x).Rank);
        Assert.Equal(21f, Tensor.Sum(x).Item());
        Assert.Equal(3.5f, Tensor.Mean(x).Item());
    }

    [Fact]
    public void SumAndMeanValuesAndShapes()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal([5f, 7f, 9f], Tensor.Sum(x, 0).Data);
        Assert.Equal([2f, 5f], Tensor.Mean(x, -1).Data);
        Assert.Equal([2, 1], Tensor.Mean(x, 1, keepDims: true).Shape);
        Assert.Equal([3], Tensor.Sum(x, 0).Shape);
    }

    [Theory]
    [InlineData(new[] { 0 }, false)]
    [InlineData(new[] { 1 }, true)]
    [InlineData(new[] { 0, 2 }, false)]
    public void MaxOverAxesMatchesFiniteDifferences(int[] axes, bool keepDims) =>
        GradientCheck.Check(t => Tensor.Max(t[0], axes, keepDims), [Distinct(5, 2, 3, 4)]);

    [Fact]
    public void MaxSendsTheGradientToTheFirstOfTiedMaxima()
    {
        var x = Tensor.FromArray([3f, 1f, 3f, 2f, 5f, 5f], 2, 3).RequireGrad();
        var y = Tensor.Max(x, 1);
        Assert.Equal([3f, 5f], y.Data);
        Tensor.Sum(y).Backward();
        Assert.Equal([1f, 0f, 0f, 0f, 1f, 0f], x.Grad!.Data);
    }

    [Fact]
    public void MaxOfEverything()
    {
        var x = Tensor.FromArray([3f, -1f, 7f, 2f], 2, 2).RequireGrad();
        var y = Tensor.Max(x);
        Assert.Equal(7f, y.Item());
        y.Backward();
        Assert.Equal([0f, 0f, 1f, 0f], x.Grad!.Data);
    }

    [Fact]
    public void BadAxesAreRejectedWithTheAxisNamed()
    {
        var x = new Tensor(2, 3);
        Assert.Contains("axis 2", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Sum(x, 2)).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => Tensor.Sum(x, [1, -1])).Message);
    }
}
