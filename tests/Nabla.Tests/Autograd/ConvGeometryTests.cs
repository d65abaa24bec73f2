using Nabla.Kernels;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>Output sizes and padding splits as TensorFlow computes them for Keras (tf.nn.conv2d's "SAME" rule:
/// out = ⌈in / stride⌉, total padding max((out − 1)·stride + window − in, 0), the odd cell at the bottom/right).</summary>
public class ConvGeometryTests
{
    [Theory]
    // in, kernel, stride, dilation, padding → out, before, after
    [InlineData(28, 3, 1, 1, "valid", 26, 0, 0)]
    [InlineData(13, 2, 2, 1, "valid", 6, 0, 0)]
    [InlineData(5, 3, 1, 1, "same", 5, 1, 1)]
    [InlineData(5, 2, 1, 1, "same", 5, 0, 1)]
    [InlineData(5, 4, 1, 1, "same", 5, 1, 2)]
    [InlineData(6, 3, 2, 1, "same", 3, 0, 1)]
    [InlineData(7, 3, 2, 1, "same", 4, 1, 1)]
    [InlineData(7, 3, 1, 2, "same", 7, 2, 2)]
    [InlineData(7, 3, 1, 2, "valid", 3, 0, 0)]
    [InlineData(6, 3, 1, 2, "causal", 6, 4, 0)]
    [InlineData(6, 3, 2, 1, "causal", 3, 2, 0)]
    public void WidthFollowsTensorFlow(int input, int kernel, int stride, int dilation, string padding, int output, int before, int after)
    {
        var g = ConvGeometry.Create("test", 1, input, 2, (1, kernel), (1, stride), (1, dilation), Padding(padding));
        Assert.Equal((output, before, after), (g.OutWidth, g.PadLeft, g.PadRight));
        Assert.Equal((1, 0, 0), (g.OutHeight, g.PadTop, g.PadBottom));
    }

    [Fact]
    public void SamePaddingPutsTheOddCellAtTheBottomAndRight()
    {
        var g = Geometry(4, 6, 1, (2, 5), padding: ConvPadding.Same);
        Assert.Equal((4, 6, 0, 1, 2, 2), (g.OutHeight, g.OutWidth, g.PadTop, g.PadBottom, g.PadLeft, g.PadRight));
    }

    [Fact]
    public void AWindowLargerThanTheInputIsRefusedWithItsSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Geometry(4, 4, 1, (3, 3), dilation: (2, 2)));
        Assert.Contains("5×5", e.Message);
        Assert.Contains("4×4", e.Message);
    }

    [Fact]
    public void NonPositiveSizesAreRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Geometry(4, 4, 1, (3, 3), strides: (0, 1)));
        Assert.Contains("stride height", e.Message);
    }

    [Fact]
    public void CausalPaddingIsOneDimensionalOnly() =>
        Assert.Throws<ArgumentException>(() => Geometry(4, 4, 1, (3, 3), padding: ConvPadding.Causal));
}
