using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>The 3-D convolution and pooling ops (ConvOp, MaxPoolOp, AveragePoolOp on [batch, d, h, w, c]): values
/// against a direct sum, gradients (input, kernel, bias) against finite differences, for strides, dilation and "same"
/// padding with odd totals (TensorFlow puts the extra cell at the end).</summary>
public class Conv3DGradientTests
{
    private static ConvGeometry Geometry3D(int d, int h, int w, int c, (int, int, int) kernel, (int, int, int)? strides = null,
        (int, int, int)? dilation = null, string padding = "valid") =>
        ConvGeometry.Create("test", d, h, w, c, kernel, strides ?? (1, 1, 1), dilation ?? (1, 1, 1), Padding(padding));

    public static TheoryData<int[], int[], int, int, string> Cases => new()
    {
        // [batch, d, h, w, in, out], [kd, kh, kw], stride, dilation, padding
        { [2, 4, 4, 4, 2, 3], [3, 3, 3], 1, 1, "valid" },
        { [1, 5, 4, 6, 2, 2], [3, 2, 3], 2, 1, "valid" }, // stride 2, uneven kernel
        { [1, 4, 5, 3, 2, 2], [3, 3, 3], 1, 1, "same" }, // same, odd kernel: even padding
        { [1, 4, 3, 5, 1, 2], [2, 2, 2], 1, 1, "same" }, // same, even kernel: odd total, the extra cell at the end
        { [2, 5, 4, 5, 2, 2], [3, 3, 3], 2, 1, "same" }, // same stride 2: odd totals on some axes
        { [1, 5, 5, 5, 1, 2], [2, 2, 2], 1, 2, "valid" }, // dilation 2
        { [1, 4, 4, 3, 2, 2], [2, 3, 2], 1, 2, "same" }, // dilation 2 same
        { [2, 3, 3, 3, 3, 4], [1, 1, 1], 1, 1, "valid" }, // 1x1x1: the pointwise path
        { [1, 4, 4, 4, 2, 2], [1, 1, 1], 2, 1, "valid" }, // 1x1x1 stride 2
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvValuesEqualADirectSum(int[] sizes, int[] window, int stride, int dilation, string padding)
    {
        var (batch, d, h, w, cin, cout) = (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5]);
        var (kd, kh, kw) = (window[0], window[1], window[2]);
        var g = Geometry3D(d, h, w, cin, (kd, kh, kw), (stride, stride, stride), (dilation, dilation, dilation), padding);
        var x = GradientCheck.Random(1, -1, 1, batch, d, h, w, cin);
        var kernel = GradientCheck.Random(2, -1, 1, kd, kh, kw, cin, cout);
        var bias = GradientCheck.Random(3, -1, 1, cout);
        var y = Conv(x, kernel, bias, g);
        var expected = NaiveConv3D(x.Data, batch, g, kernel.Data, cout, bias.Data);
        Assert.Equal([batch, g.OutDepth, g.OutHeight, g.OutWidth, cout], y.Shape);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - y.Data[i]) < 1e-4, $"{padding} {kd}x{kh}x{kw} stride {stride} dilation {dilation}: element {i}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvGradientsMatchFiniteDifferences(int[] sizes, int[] window, int stride, int dilation, string padding)
    {
        var (batch, d, h, w, cin, cout) = (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5]);
        var (kd, kh, kw) = (window[0], window[1], window[2]);
        var g = Geometry3D(d, h, w, cin, (kd, kh, kw), (stride, stride, stride), (dilation, dilation, dilation), padding);
        GradientCheck.Check(t => Conv(t[0], t[1], t[2], g),
            [GradientCheck.Random(1, -1, 1, batch, d, h, w, cin), GradientCheck.Random(2, -1, 1, kd, kh, kw, cin, cout),
             GradientCheck.Random(3, -1, 1, cout)]);
    }

    [Fact]
    public void SameEvenKernelPutsTheOddPaddingCellAtTheEnd()
    {
        // Input 4, kernel 2, stride 1, "same": total padding 1, TensorFlow's split (0 before, 1 after) on every axis.
        var g = Geometry3D(4, 4, 4, 1, (2, 2, 2), padding: "same");
        Assert.Equal((0, 1, 0, 1, 0, 1), (g.PadFront, g.PadBack, g.PadTop, g.PadBottom, g.PadLeft, g.PadRight));
        Assert.Equal((4, 4, 4), (g.OutDepth, g.OutHeight, g.OutWidth));
    }

    [Fact]
    public void FusedActivationGradientsMatchFiniteDifferences()
    {
        var g = Geometry3D(3, 3, 3, 2, (3, 3, 3), padding: "same");
        GradientCheck.Check(t => Conv(t[0], t[1], t[2], g, "tanh"),
            [GradientCheck.Random(1, -1, 1, 2, 3, 3, 3, 2), GradientCheck.Random(2, -0.5, 0.5, 3, 3, 3, 2, 3),
             GradientCheck.Random(3, -1, 1, 3)]);
    }

    [Fact]
    public void ADepthWindowThatDoesNotFitIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Geometry3D(2, 5, 5, 1, (3, 3, 3)));
        Assert.Contains("depth", e.Message);
    }

    public static TheoryData<int, int, int, int, int, int, string> PoolCases => new()
    {
        // d, h, w, c, pool (cube), stride (cube), padding — pool 2 over odd sizes with "same" pads one cell at the end
        { 4, 4, 4, 2, 2, 2, "valid" },
        { 5, 5, 5, 2, 2, 2, "valid" },
        { 5, 5, 3, 2, 2, 2, "same" },
        { 4, 5, 3, 1, 3, 1, "same" },
        { 5, 4, 5, 2, 3, 2, "same" },
        { 5, 6, 4, 2, 3, 3, "valid" },
    };

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void MaxPoolingGradientsMatchFiniteDifferences(int d, int h, int w, int c, int pool, int stride, string padding)
    {
        var g = Geometry3D(d, h, w, c, (pool, pool, pool), (stride, stride, stride), padding: padding);
        // Distinct values far apart, so no finite-difference step changes which cell wins.
        var x = new Tensor(2, d, h, w, c);
        var order = Enumerable.Range(0, x.Size).OrderBy(i => (i * 7919) % 1009).ToArray();
        for (int i = 0; i < x.Size; i++) x.Data[order[i]] = i * 0.1f;
        GradientCheck.Check(t => Op.Record(new MaxPoolOp(t[0], g)), [x]);
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void AveragePoolingGradientsMatchFiniteDifferences(int d, int h, int w, int c, int pool, int stride, string padding)
    {
        var g = Geometry3D(d, h, w, c, (pool, pool, pool), (stride, stride, stride), padding: padding);
        GradientCheck.Check(t => Op.Record(new AveragePoolOp(t[0], g)), [GradientCheck.Random(1, -1, 1, 2, d, h, w, c)]);
    }

    [Fact]
    public void PoolingValuesEqualADirectScan()
    {
        // Uneven pool and strides with "same" padding: each output against a scan of the cells its window covers.
        var g = ConvGeometry.Create("test", 5, 4, 3, 2, (2, 3, 2), (2, 1, 2), (1, 1, 1), ConvPadding.Same);
        var x = GradientCheck.Random(4, -1, 1, 2, 5, 4, 3, 2);
        var max = Op.Record(new MaxPoolOp(x, g));
        var mean = Op.Record(new AveragePoolOp(x, g));
        Assert.Equal([2, g.OutDepth, g.OutHeight, g.OutWidth, 2], max.Shape);
        for (int n = 0, o = 0; n < 2; n++)
            for (int oz = 0; oz < g.OutDepth; oz++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                        for (int ch = 0; ch < 2; ch++, o++)
                        {
                            var cells = new List<float>();
                            for (int kz = 0; kz < g.KernelDepth; kz++)
                                for (int ky = 0; ky < g.KernelHeight; ky++)
                                    for (int kx = 0; kx < g.KernelWidth; kx++)
                                    {
                                        int iz = oz * g.StrideDepth - g.PadFront + kz, iy = oy * g.StrideHeight - g.PadTop + ky,
                                            ix = ox * g.StrideWidth - g.PadLeft + kx;
                                        if (iz < 0 || iz >= 5 || iy < 0 || iy >= 4 || ix < 0 || ix >= 3) continue;
                                        cells.Add(x.Data[(((n * 5 + iz) * 4 + iy) * 3 + ix) * 2 + ch]);
                                    }
                            Assert.Equal(cells.Max(), max.Data[o]);
                            // Keras (TensorFlow's avg_pool) divides by the cells inside the input only.
                            Assert.Equal(cells.Average(), mean.Data[o], 1e-5);
                        }
    }

    [Fact]
    public void SameAveragePoolingDividesByTheCellsInside()
    {
        // 3×1×1 of 1, 2, 3, pool 2 stride 2 "same": windows {1, 2} and {3} (+ one padding cell, not counted).
        var x = Tensor.FromArray([1, 2, 3], 1, 3, 1, 1, 1);
        var g = Geometry3D(3, 1, 1, 1, (2, 1, 1), (2, 1, 1), padding: "same");
        Assert.Equal([1.5f, 3f], Op.Record(new AveragePoolOp(x, g)).Data);
    }

    [Fact]
    public void OpsNameTheirRank()
    {
        var g = Geometry3D(2, 2, 2, 1, (2, 2, 2));
        var x = new Tensor(1, 2, 2, 2, 1);
        Assert.Equal("conv3d", new ConvOp(x, new Tensor(2, 2, 2, 1, 1), null, g, Nabla.Activations.Activation.Get("linear")).Name);
        Assert.Equal("max_pool3d", new MaxPoolOp(x, g).Name);
        Assert.Equal("average_pool3d", new AveragePoolOp(x, g).Name);
    }

    [Fact]
    public void A3DGeometryIsRefusedOnA2DBatch()
    {
        var g = Geometry3D(2, 3, 3, 1, (2, 2, 2));
        Assert.Throws<ArgumentException>(() => new MaxPoolOp(new Tensor(1, 3, 3, 1), g));
    }

    /// <summary>The 3-D convolution as a direct sum in double (x [n, d, h, w, c], kernel [kd, kh, kw, c, f]).</summary>
    private static float[] NaiveConv3D(float[] x, int batch, ConvGeometry g, float[] kernel, int filters, float[]? bias)
    {
        var y = new float[batch * g.OutPositions * filters];
        for (int n = 0, o = 0; n < batch; n++)
            for (int oz = 0; oz < g.OutDepth; oz++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                        for (int f = 0; f < filters; f++, o++)
                        {
                            double sum = bias?[f] ?? 0;
                            for (int kz = 0; kz < g.KernelDepth; kz++)
                                for (int ky = 0; ky < g.KernelHeight; ky++)
                                    for (int kx = 0; kx < g.KernelWidth; kx++)
                                    {
                                        int iz = oz * g.StrideDepth - g.PadFront + kz * g.DilationDepth;
                                        int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                                        int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                                        if (iz < 0 || iz >= g.InDepth || iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                                        for (int c = 0; c < g.Channels; c++)
                                            sum += (double)x[(((n * g.InDepth + iz) * g.InHeight + iy) * g.InWidth + ix) * g.Channels + c]
                                                * kernel[(((kz * g.KernelHeight + ky) * g.KernelWidth + kx) * g.Channels + c) * filters + f];
                                    }
                            y[o] = (float)sum;
                        }
        return y;
    }
}
