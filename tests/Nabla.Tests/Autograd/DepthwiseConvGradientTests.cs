using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>The depthwise convolution op: values against a direct sum (channel c, multiplier m at output channel
/// c·multiplier + m, Keras's order), gradients (input, kernel, bias) against finite differences, and the same bits
/// on any thread count.</summary>
/// <remarks>One test changes <c>KernelSettings</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class DepthwiseConvGradientTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, string> Cases => new()
    {
        // batch, h, w, channels, multiplier, kh, kw, stride, dilation, padding
        { 2, 5, 5, 3, 1, 3, 3, 1, 1, "valid" }, // 3x3 valid
        { 2, 5, 4, 3, 1, 3, 3, 1, 1, "same" }, // same
        { 2, 6, 5, 2, 1, 3, 3, 2, 1, "valid" }, // stride 2 valid
        { 2, 6, 7, 2, 1, 3, 3, 2, 1, "same" }, // stride 2 same (the odd pad at the bottom/right)
        { 2, 5, 5, 2, 2, 3, 3, 1, 1, "valid" }, // depth_multiplier 2 valid
        { 1, 5, 4, 3, 2, 2, 3, 1, 1, "same" }, // depth_multiplier 2, even kernel, same
        { 2, 6, 5, 2, 2, 3, 3, 2, 1, "same" }, // depth_multiplier 2, stride 2, same
        { 1, 7, 7, 2, 2, 3, 3, 1, 2, "valid" }, // dilation 2
        { 1, 5, 5, 2, 1, 3, 3, 1, 2, "same" }, // dilation 2 same
        { 9, 4, 4, 1, 3, 3, 3, 1, 1, "valid" }, // one channel, 9 samples: two kernel-gradient groups
        { 9, 5, 6, 3, 1, 3, 3, 1, 1, "same" }, // the row form (multiplier 1, stride 1) over two kernel-gradient groups
    };

    private static Tensor Depthwise(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry g, string activation = "linear") =>
        Op.Record(new DepthwiseConvOp(x, kernel, bias, g, Nabla.Activations.Activation.Get(activation)));

    /// <summary>The depthwise convolution as a direct sum in double (x [n, h, w, c], kernel [kh, kw, c, m]).</summary>
    private static float[] NaiveDepthwise(float[] x, int batch, ConvGeometry g, float[] kernel, int multiplier, float[]? bias)
    {
        int c = g.Channels, outChannels = c * multiplier;
        var y = new float[batch * g.OutPositions * outChannels];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++)
                    for (int ch = 0; ch < c; ch++)
                        for (int m = 0; m < multiplier; m++)
                        {
                            int o = ch * multiplier + m;
                            double sum = bias?[o] ?? 0;
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                                    int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                                    if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                                    sum += (double)x[((n * g.InHeight + iy) * g.InWidth + ix) * c + ch]
                                        * kernel[((ky * g.KernelWidth + kx) * c + ch) * multiplier + m];
                                }
                            y[((n * g.OutHeight + oy) * g.OutWidth + ox) * outChannels + o] = (float)sum;
                        }
        return y;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesEqualADirectSum(int batch, int h, int w, int c, int multiplier, int kh, int kw, int stride, int dilation, string padding)
    {
        var g = Geometry(h, w, c, (kh, kw), (stride, stride), (dilation, dilation), Padding(padding));
        var x = GradientCheck.Random(1, -1, 1, batch, h, w, c);
        var kernel = GradientCheck.Random(2, -1, 1, kh, kw, c, multiplier);
        var bias = GradientCheck.Random(3, -1, 1, c * multiplier);
        var y = Depthwise(x, kernel, bias, g);
        var expected = NaiveDepthwise(x.Data, batch, g, kernel.Data, multiplier, bias.Data);
        Assert.Equal([batch, g.OutHeight, g.OutWidth, c * multiplier], y.Shape);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - y.Data[i]) < 1e-4, $"{padding} {kh}x{kw} stride {stride} multiplier {multiplier}: element {i}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(int batch, int h, int w, int c, int multiplier, int kh, int kw, int stride, int dilation,
        string padding)
    {
        var g = Geometry(h, w, c, (kh, kw), (stride, stride), (dilation, dilation), Padding(padding));
        GradientCheck.Check(t => Depthwise(t[0], t[1], t[2], g),
            [GradientCheck.Random(1, -1, 1, batch, h, w, c), GradientCheck.Random(2, -1, 1, kh, kw, c, multiplier),
             GradientCheck.Random(3, -1, 1, c * multiplier)]);
    }

    [Fact]
    public void FusedActivationGradientsMatchFiniteDifferences()
    {
        var g = Geometry(4, 4, 2, (3, 3), (2, 2), padding: ConvPadding.Same);
        GradientCheck.Check(t => Depthwise(t[0], t[1], t[2], g, "tanh"),
            [GradientCheck.Random(1, -1, 1, 2, 4, 4, 2), GradientCheck.Random(2, -0.5, 0.5, 3, 3, 2, 2),
             GradientCheck.Random(3, -1, 1, 4)]);
    }

    [Fact]
    public void WithoutBiasGradientsMatchFiniteDifferences()
    {
        var g = Geometry(4, 5, 2, (2, 3), strides: (1, 2));
        GradientCheck.Check(t => Depthwise(t[0], t[1], null, g),
            [GradientCheck.Random(1, -1, 1, 2, 4, 5, 2), GradientCheck.Random(2, -1, 1, 2, 3, 2, 2)]);
        // Stride 2 down the rows and 1 along them, one filter per channel: the row form.
        var rows = Geometry(5, 6, 3, (3, 2), strides: (2, 1), padding: ConvPadding.Same);
        GradientCheck.Check(t => Depthwise(t[0], t[1], null, rows),
            [GradientCheck.Random(3, -1, 1, 2, 5, 6, 3), GradientCheck.Random(4, -1, 1, 3, 2, 3, 1)]);
    }

    [Fact]
    public void OutputChannelsFollowKerasOrder()
    {
        // A 1x1 kernel: output channel c·2 + m is input channel c times kernel[0, 0, c, m].
        var g = Geometry(1, 1, 2, (1, 1));
        var y = Depthwise(Tensor.FromArray([10f, 100f], [1, 1, 1, 2]), Tensor.FromArray([1f, 2f, 3f, 4f], [1, 1, 2, 2]), null, g);
        Assert.Equal([10f, 20f, 300f, 400f], y.Data);
    }

    [Fact]
    public void SamePaddingPutsTheExtraZerosAtTheBottomRight()
    {
        // As for Conv2D: a 2×2 window of ones over a 3×3 image of ones, the last row and column sum fewer cells.
        var g = Geometry(3, 3, 1, (2, 2), padding: ConvPadding.Same);
        var y = Depthwise(Tensor.Full(1f, 1, 3, 3, 1), Tensor.Full(1f, 2, 2, 1, 1), null, g);
        Assert.Equal([4f, 4f, 2f, 4f, 4f, 2f, 2f, 2f, 1f], y.Data);
    }

    [Theory]
    [InlineData(2, 2)] // cell by cell
    [InlineData(1, 1)] // the row form
    public void AnyThreadCountGivesTheSameBits(int multiplier, int stride)
    {
        // 21 samples of 17x17x6 (enough work to go parallel): two full kernel-gradient groups of 8 and a ragged one, each summed apart and added in order.
        float[] one = WithThreads(1, Run), two = WithThreads(2, Run), four = WithThreads(4, Run);
        Assert.Equal(one, two);
        Assert.Equal(one, four);

        float[] Run()
        {
            var g = Geometry(17, 17, 6, (3, 3), (stride, stride), padding: ConvPadding.Same);
            var x = GradientCheck.Random(1, -1, 1, 21, 17, 17, 6).RequireGrad();
            var kernel = GradientCheck.Random(2, -1, 1, 3, 3, 6, multiplier).RequireGrad();
            var bias = GradientCheck.Random(3, -1, 1, 6 * multiplier).RequireGrad();
            var y = Depthwise(x, kernel, bias, g, "relu");
            new Graph(y).Backward(GradientCheck.Random(4, -1, 1, y.Shape));
            return [.. y.Data, .. x.Grad!.Data, .. kernel.Grad!.Data, .. bias.Grad!.Data];
        }
    }

    private static T WithThreads<T>(int threads, Func<T> action)
    {
        int saved = KernelSettings.MaxThreads;
        try
        {
            KernelSettings.MaxThreads = threads;
            return action();
        }
        finally
        {
            KernelSettings.MaxThreads = saved;
        }
    }

    [Fact]
    public void ReplayingForwardAndBackwardAllocatesNothing()
    {
        var g = Geometry(9, 9, 4, (3, 3), (2, 2), padding: ConvPadding.Same);
        var x = GradientCheck.Random(1, -1, 1, 10, 9, 9, 4).RequireGrad();
        var kernel = GradientCheck.Random(2, -1, 1, 3, 3, 4, 2).RequireGrad();
        var bias = GradientCheck.Random(3, -1, 1, 8).RequireGrad();
        var graph = new Graph(Tensor.Sum(Depthwise(x, kernel, bias, g, "relu")));
        graph.Forward();
        graph.Backward();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 10; step++)
        {
            graph.Forward();
            graph.Backward();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        var g = Geometry(5, 5, 3, (3, 3));
        Assert.Throws<ArgumentException>(() => Depthwise(new Tensor(1, 5, 5, 2), new Tensor(3, 3, 3, 1), null, g));
        Assert.Contains("kernel", Assert.Throws<ArgumentException>(() => Depthwise(new Tensor(1, 5, 5, 3), new Tensor(3, 3, 2, 1), null, g)).Message);
        Assert.Contains("bias", Assert.Throws<ArgumentException>(() => Depthwise(new Tensor(1, 5, 5, 3), new Tensor(3, 3, 3, 2), new Tensor(3), g)).Message);
    }
}
