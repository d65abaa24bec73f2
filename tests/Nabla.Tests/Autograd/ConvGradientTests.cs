using Nabla.Kernels;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>Convolution values against a direct sum, and gradients (input, kernel, bias) against finite differences,
/// for every option the layers expose.</summary>
public class ConvGradientTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, string> Cases => new()
    {
        // batch, h, w, in, out, kh, kw, stride, dilation, padding
        { 2, 5, 5, 2, 3, 3, 3, 1, 1, "valid" }, // 3x3 valid
        { 2, 6, 5, 2, 2, 3, 3, 2, 1, "valid" }, // stride 2
        { 1, 5, 4, 2, 2, 3, 3, 1, 1, "same" }, // same odd kernel
        { 1, 5, 4, 2, 2, 2, 4, 1, 1, "same" }, // same even kernel
        { 2, 5, 6, 1, 2, 3, 3, 2, 1, "same" }, // same stride 2
        { 1, 6, 6, 2, 2, 3, 3, 1, 2, "valid" }, // dilation 2
        { 1, 5, 5, 1, 2, 3, 3, 1, 2, "same" }, // dilation 2 same
        { 1, 5, 7, 2, 2, 3, 5, 1, 1, "valid" }, // 3x5 kernel
        { 2, 3, 3, 3, 4, 1, 1, 1, 1, "valid" }, // 1x1 kernel
        { 1, 4, 4, 2, 2, 1, 1, 2, 1, "valid" }, // 1x1 stride 2
        { 1, 4, 4, 2, 2, 3, 3, 1, 1, "valid" }, // batch 1
        { 2, 4, 4, 1, 6, 3, 3, 1, 1, "valid" }, // one channel in, many out
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesEqualADirectSum(int batch, int h, int w, int cin, int cout, int kh, int kw,
        int stride, int dilation, string padding)
    {
        var g = Geometry(h, w, cin, (kh, kw), (stride, stride), (dilation, dilation), Padding(padding));
        var x = GradientCheck.Random(1, -1, 1, batch, h, w, cin);
        var kernel = GradientCheck.Random(2, -1, 1, kh, kw, cin, cout);
        var bias = GradientCheck.Random(3, -1, 1, cout);
        var y = Conv(x, kernel, bias, g);
        var expected = NaiveConv(x.Data, batch, g, kernel.Data, cout, bias.Data);
        Assert.Equal([batch, g.OutHeight, g.OutWidth, cout], y.Shape);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - y.Data[i]) < 1e-4, $"{padding} {kh}x{kw} stride {stride} dilation {dilation}: element {i}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(int batch, int h, int w, int cin, int cout, int kh, int kw,
        int stride, int dilation, string padding)
    {
        var g = Geometry(h, w, cin, (kh, kw), (stride, stride), (dilation, dilation), Padding(padding));
        GradientCheck.Check(t => Conv(t[0], t[1], t[2], g),
            [GradientCheck.Random(1, -1, 1, batch, h, w, cin), GradientCheck.Random(2, -1, 1, kh, kw, cin, cout),
             GradientCheck.Random(3, -1, 1, cout)]);
    }

    [Fact]
    public void FusedActivationGradientsMatchFiniteDifferences()
    {
        var g = Geometry(4, 4, 2, (3, 3), padding: ConvPadding.Same);
        GradientCheck.Check(t => Conv(t[0], t[1], t[2], g, "tanh"),
            [GradientCheck.Random(1, -1, 1, 2, 4, 4, 2), GradientCheck.Random(2, -0.5, 0.5, 3, 3, 2, 3),
             GradientCheck.Random(3, -1, 1, 3)]);
    }

    [Fact]
    public void WithoutBiasGradientsMatchFiniteDifferences()
    {
        var g = Geometry(4, 5, 2, (2, 3), strides: (1, 2));
        GradientCheck.Check(t => Conv(t[0], t[1], null, g),
            [GradientCheck.Random(1, -1, 1, 2, 4, 5, 2), GradientCheck.Random(2, -1, 1, 2, 3, 2, 2)]);
    }

    [Theory]
    [InlineData("valid", 1)]
    [InlineData("same", 1)]
    [InlineData("causal", 2)]
    [InlineData("causal", 1)]
    public void OneDimensionalGradientsMatchFiniteDifferences(string padding, int dilation)
    {
        var g = Geometry(1, 7, 2, (1, 3), (1, 1), (1, dilation), Padding(padding));
        GradientCheck.Check(t => Conv(t[0], t[1], t[2], g),
            [GradientCheck.Random(1, -1, 1, 2, 7, 2), GradientCheck.Random(2, -1, 1, 3, 2, 3), GradientCheck.Random(3, -1, 1, 3)]);
    }

    [Fact]
    public void CausalOutputSeesNoLaterInput()
    {
        var g = Geometry(1, 6, 1, (1, 3), padding: ConvPadding.Causal);
        var x = new Tensor(1, 6, 1);
        x.Data[4] = 1f; // only step 4 is non-zero
        var y = Conv(x, Tensor.Full(1f, 3, 1, 1), null, g);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 1f], y.Data);
    }

    [Fact]
    public void SamePaddingPutsTheExtraZerosAtTheBottomRight()
    {
        // A 2×2 window of ones over a 3×3 image of ones, "same": the extra row and column are padded after the image,
        // so the last row and column of the output sum fewer cells (TensorFlow's split; PyTorch's "same" agrees).
        var g = Geometry(3, 3, 1, (2, 2), padding: ConvPadding.Same);
        var y = Conv(Tensor.Full(1f, 1, 3, 3, 1), Tensor.Full(1f, 2, 2, 1, 1), null, g);
        Assert.Equal([4f, 4f, 2f, 4f, 4f, 2f, 2f, 2f, 1f], y.Data);
    }

    [Fact]
    public void LargeBatchesAreLoweredInChunksWithTheSameResult()
    {
        // One sample more than a chunk holds: two chunks, the second of one sample.
        var g = Geometry(32, 32, 16, (3, 3), padding: ConvPadding.Same);
        int batch = 1 + ConvOpChunk(g);
        var x = GradientCheck.Random(1, -1, 1, batch, 32, 32, 16).RequireGrad();
        var kernel = GradientCheck.Random(2, -0.2, 0.2, 3, 3, 16, 4).RequireGrad();
        var y = Conv(x, kernel, null, g);
        var expected = NaiveConv(x.Data, batch, g, kernel.Data, 4, null);
        for (int i = 0; i < expected.Length; i += 97) Assert.True(Math.Abs(expected[i] - y.Data[i]) < 1e-3, $"element {i}");
        new Nabla.Autograd.Graph(Tensor.Sum(y)).Backward();
        // Each kernel entry's gradient is the sum of the inputs it met; check one against the whole batch.
        double dk0 = 0;
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < 32; oy++)
                for (int ox = 0; ox < 32; ox++)
                {
                    int iy = oy - 1, ix = ox - 1;
                    if (iy >= 0 && ix >= 0) dk0 += x.Data[((n * 32 + iy) * 32 + ix) * 16];
                }
        Assert.True(Math.Abs(dk0 - kernel.Grad!.Data[0]) < 0.05, $"{dk0} vs {kernel.Grad!.Data[0]}");
    }

    private static int ConvOpChunk(Nabla.Kernels.ConvGeometry g) =>
        (int)(ColumnChunks.MaxFloats / ((long)g.OutPositions * g.PatchSize));
}
