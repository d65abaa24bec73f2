using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>Pooling and zero padding: values on hand-worked examples, gradients against finite differences.</summary>
public class PoolingGradientTests
{
    private static Tensor MaxPool(Tensor x, ConvGeometry g) => Op.Record(new MaxPoolOp(x, g));

    private static Tensor AvgPool(Tensor x, ConvGeometry g) => Op.Record(new AveragePoolOp(x, g));

    private static ConvGeometry Pool(int h, int w, int c, (int, int) pool, (int, int)? strides = null, ConvPadding padding = ConvPadding.Valid) =>
        Geometry(h, w, c, pool, strides ?? pool, padding: padding);

    [Fact]
    public void MaxPoolingTakesEachWindowsMaximum()
    {
        var x = Tensor.FromArray([1, 5, 2, 0, 3, 4, 9, 8, 7, 6, -1, -2, 0, 1, -3, 2], 1, 4, 4, 1);
        Assert.Equal([5f, 9f, 7f, 2f], MaxPool(x, Pool(4, 4, 1, (2, 2))).Data);
    }

    [Fact]
    public void SameMaxPoolingIgnoresThePadding()
    {
        // 3×3 of negatives, pool 2 stride 2 "same": out 2×2, the padding (bottom/right) must not win with 0.
        var x = Tensor.FromArray([-1, -2, -3, -4, -5, -6, -7, -8, -9], 1, 3, 3, 1);
        Assert.Equal([-1f, -3f, -7f, -9f], MaxPool(x, Pool(3, 3, 1, (2, 2), padding: ConvPadding.Same)).Data);
    }

    [Fact]
    public void SameAveragePoolingDividesByTheCellsInside()
    {
        // Keras (TensorFlow avg_pool) averages only the cells a window covers inside the input.
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 3, 3, 1);
        Assert.Equal([3f, 4.5f, 7.5f, 9f], AvgPool(x, Pool(3, 3, 1, (2, 2), padding: ConvPadding.Same)).Data);
    }

    [Fact]
    public void MaxPoolingSendsTheGradientToTheFirstMaximumOnTies()
    {
        var x = Tensor.FromArray([2, 2, 1, 2], 1, 2, 2, 1).RequireGrad();
        new Graph(Tensor.Sum(MaxPool(x, Pool(2, 2, 1, (2, 2))))).Backward();
        Assert.Equal([1f, 0f, 0f, 0f], x.Grad!.Data);
    }

    [Fact]
    public void MaxPoolingPropagatesNaN()
    {
        var x = Tensor.FromArray([1, float.NaN, 3, 2], 1, 2, 2, 1);
        Assert.True(float.IsNaN(MaxPool(x, Pool(2, 2, 1, (2, 2))).Data[0]));
    }

    public static TheoryData<int, int, int, int, int, int, int, string> Cases => new()
    {
        // h, w, c, ph, pw, sh, sw, padding
        { 4, 4, 2, 2, 2, 2, 2, "valid" },
        { 5, 5, 2, 2, 2, 2, 2, "valid" },
        { 5, 5, 2, 2, 2, 2, 2, "same" },
        { 5, 6, 1, 3, 3, 1, 1, "same" },
        { 5, 6, 2, 3, 2, 2, 1, "valid" },
        { 4, 5, 3, 2, 3, 1, 2, "same" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolingGradientsMatchFiniteDifferences(int h, int w, int c, int ph, int pw, int sh, int sw, string padding)
    {
        var g = Pool(h, w, c, (ph, pw), (sh, sw), Padding(padding));
        // Distinct values far apart, so no finite-difference step changes which cell wins.
        var x = new Tensor(2, h, w, c);
        var order = Enumerable.Range(0, x.Size).OrderBy(i => (i * 7919) % 1009).ToArray();
        for (int i = 0; i < x.Size; i++) x.Data[order[i]] = i * 0.1f;
        GradientCheck.Check(t => MaxPool(t[0], g), [x]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AveragePoolingGradientsMatchFiniteDifferences(int h, int w, int c, int ph, int pw, int sh, int sw, string padding)
    {
        var g = Pool(h, w, c, (ph, pw), (sh, sw), Padding(padding));
        GradientCheck.Check(t => AvgPool(t[0], g), [GradientCheck.Random(1, -1, 1, 2, h, w, c)]);
    }

    [Theory]
    [InlineData("valid")]
    [InlineData("same")]
    public void OneDimensionalPoolingGradientsMatchFiniteDifferences(string padding)
    {
        var g = Pool(1, 7, 2, (1, 2), padding: Padding(padding));
        var x = new Tensor(2, 7, 2);
        for (int i = 0; i < x.Size; i++) x.Data[i] = ((i * 37) % 28) * 0.1f;
        GradientCheck.Check(t => MaxPool(t[0], g), [x]);
        GradientCheck.Check(t => AvgPool(t[0], g), [GradientCheck.Random(1, -1, 1, 2, 7, 2)]);
    }

    [Fact]
    public void ZeroPaddingPlacesTheInputAndPassesItsGradientBack()
    {
        var x = Tensor.FromArray([1, 2, 3, 4], 1, 2, 2, 1);
        var y = Op.Record(new ZeroPaddingOp(x, 1, 0, 0, 2));
        Assert.Equal([1, 3, 4, 1], y.Shape);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 2f, 0f, 0f, 3f, 4f, 0f, 0f], y.Data);
        GradientCheck.Check(t => Op.Record(new ZeroPaddingOp(t[0], 1, 2, 3, 1)), [GradientCheck.Random(1, -1, 1, 2, 2, 3, 2)]);
    }
}
