using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class ElementwiseGradientTests
{
    private static Tensor R(int seed, double low, double high, params int[] shape) => GradientCheck.Random(seed, low, high, shape);

    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [2, 3], [2, 3] },       // same shape
        { [2, 3], [3] },          // bias row
        { [3], [2, 3] },          // bias row on the left
        { [2, 1, 4], [3, 1] },    // both sides broadcast
        { [2, 3], [] },           // rank-0 scalar
        { [], [2, 3] },
        { [4, 1], [1, 5] },       // outer product shape
        { [2, 3, 4], [2, 1, 4] }, // middle axis
    };

    [Theory, MemberData(nameof(BroadcastShapes))]
    public void AddMatchesFiniteDifferences(int[] a, int[] b) =>
        GradientCheck.Check(t => t[0] + t[1], [R(1, -1, 1, a), R(2, -1, 1, b)]);

    [Theory, MemberData(nameof(BroadcastShapes))]
    public void SubtractMatchesFiniteDifferences(int[] a, int[] b) =>
        GradientCheck.Check(t => t[0] - t[1], [R(3, -1, 1, a), R(4, -1, 1, b)]);

    [Theory, MemberData(nameof(BroadcastShapes))]
    public void MultiplyMatchesFiniteDifferences(int[] a, int[] b) =>
        GradientCheck.Check(t => t[0] * t[1], [R(5, -1, 1, a), R(6, -1, 1, b)]);

    [Theory, MemberData(nameof(BroadcastShapes))]
    public void DivideMatchesFiniteDifferences(int[] a, int[] b) =>
        GradientCheck.Check(t => t[0] / t[1], [R(7, -1, 1, a), R(8, 0.5, 2, b)]);

    [Theory, MemberData(nameof(BroadcastShapes))]
    public void PowOfTwoTensorsMatchesFiniteDifferences(int[] a, int[] b) =>
        GradientCheck.Check(t => Tensor.Pow(t[0], t[1]), [R(9, 0.5, 2, a), R(10, -1.5, 1.5, b)]);

    [Fact]
    public void ScalarOperatorsMatchFiniteDifferences()
    {
        GradientCheck.Check(t => 2f * t[0] + 1f - (3f - t[0]) / 4f, [R(11, -1, 1, 2, 3)]);
        GradientCheck.Check(t => t[0] * 0.5f - t[0] / 2.5f + (1f / t[0]), [R(12, 0.5, 2, 3)]);
        GradientCheck.Check(t => -t[0], [R(13, -1, 1, 2, 2)]);
    }

    [Fact]
    public void SameInputOnBothSidesAccumulates() =>
        GradientCheck.Check(t => t[0] * t[0] + t[0], [R(14, -1, 1, 3, 2)]);

    [Fact]
    public void ExpLogSqrtMatchFiniteDifferences()
    {
        GradientCheck.Check(t => Tensor.Exp(t[0]), [R(15, -2, 2, 2, 3)]);
        GradientCheck.Check(t => Tensor.Log(t[0]), [R(16, 0.5, 3, 2, 3)]);
        GradientCheck.Check(t => Tensor.Sqrt(t[0]), [R(17, 0.5, 3, 2, 3)]);
    }

    [Fact]
    public void AbsMatchesFiniteDifferencesAwayFromZero()
    {
        var x = Tensor.FromArray([-1.5f, -0.3f, 0.4f, 2f, -0.8f, 0.9f], 2, 3);
        GradientCheck.Check(t => Tensor.Abs(t[0]), [x]);
    }

    [Fact]
    public void AbsHasZeroGradientAtZero()
    {
        var x = Tensor.FromArray([0f, 0f], 2).RequireGrad();
        Tensor.Sum(Tensor.Abs(x)).Backward();
        Assert.Equal([0f, 0f], x.Grad!.Data);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(3f)]
    [InlineData(0.5f)]
    [InlineData(-1.5f)]
    public void PowByScalarMatchesFiniteDifferences(float exponent) =>
        GradientCheck.Check(t => Tensor.Pow(t[0], exponent), [R(18, 0.5, 2, 2, 3)]);

    [Fact]
    public void PowByIntegerScalarWorksForNegativeBases()
    {
        var x = Tensor.FromArray([-1.5f, -0.5f, 0.7f], 3);
        GradientCheck.Check(t => Tensor.Pow(t[0], 3f), [x]);
        Assert.Equal(-3.375f, Tensor.Pow(x, 3f).Data[0], 1e-5);
    }

    [Fact]
    public void ClipMatchesFiniteDifferencesAwayFromTheBounds()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0.3f, 0.8f, 1.7f, -1.3f], 2, 3);
        GradientCheck.Check(t => Tensor.Clip(t[0], -1f, 1f), [x]);
    }

    [Fact]
    public void ClipPassesGradientInsideIncludingTheBoundsAndNoneOutside()
    {
        // tf.clip_by_value's gradient: zero where x < min or x > max, so the bounds themselves pass it.
        var x = Tensor.FromArray([-2f, -1f, 0f, 1f, 2f], 5).RequireGrad();
        var y = Tensor.Clip(x, -1f, 1f);
        Assert.Equal([-1f, -1f, 0f, 1f, 1f], y.Data);
        Tensor.Sum(y).Backward();
        Assert.Equal([0f, 1f, 1f, 1f, 0f], x.Grad!.Data);
    }

    [Fact]
    public void WhereRoutesGradientsByTheCondition()
    {
        var condition = Tensor.FromArray([1f, 0f, 1f, 0f, 0f, 1f], 2, 3);
        GradientCheck.Check(t => Tensor.Where(condition, t[0], t[1]), [R(19, -1, 1, 2, 3), R(20, -1, 1, 2, 3)]);
        // Broadcast branches: a bias row against a column.
        GradientCheck.Check(t => Tensor.Where(condition, t[0], t[1]), [R(21, -1, 1, 3), R(22, -1, 1, 2, 1)]);
    }

    [Fact]
    public void WhereSelectsValues()
    {
        var y = Tensor.Where(Tensor.FromArray([1f, 0f, 1f], 3), Tensor.FromArray([1f, 2f, 3f], 3), Tensor.Scalar(-1f));
        Assert.Equal([1f, -1f, 3f], y.Data);
    }
}
