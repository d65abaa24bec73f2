using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Autograd.ConvTestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>The convolution and transposed convolution with a small im2col bound, which lowers a sample a run of
/// output positions at a time (chunks ending mid-row, mid-depth-slice and across samples): output and gradients equal
/// the whole-sample path's, and the buffers stay within the bound.</summary>
public class ConvChunkingTests
{
    public static TheoryData<string, int[], int[], int[], int[], string, int> Cases => new()
    {
        // name, x [batch, (d, h,) w, c], window, strides, dilation, padding, rows per chunk
        { "1-D same", [2, 11, 3], [3], [1], [1], "same", 4 },
        { "1-D stride 2 dilation 2", [3, 13, 2], [3], [2], [2], "valid", 2 },
        { "2-D same", [2, 7, 6, 2], [3, 3], [1, 1], [1, 1], "same", 5 },
        { "2-D strides dilation", [3, 9, 8, 2], [3, 2], [2, 1], [2, 2], "valid", 7 },
        { "2-D same stride 2, even kernel", [2, 7, 9, 3], [2, 4], [2, 2], [1, 1], "same", 3 },
        { "2-D one row per chunk", [1, 5, 5, 2], [3, 3], [1, 1], [1, 1], "same", 1 },
        { "2-D 1x1 stride 2", [2, 6, 5, 3], [1, 1], [2, 2], [1, 1], "valid", 4 },
        { "2-D pointwise", [2, 4, 5, 3], [1, 1], [1, 1], [1, 1], "valid", 7 },
        { "3-D same", [2, 5, 4, 5, 2], [3, 3, 3], [1, 1, 1], [1, 1, 1], "same", 7 },
        { "3-D strides dilation", [2, 6, 5, 7, 2], [2, 3, 2], [2, 1, 2], [1, 2, 1], "valid", 5 },
        { "3-D same stride 2", [1, 5, 6, 5, 1], [2, 2, 3], [2, 2, 2], [1, 1, 1], "same", 11 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChunksWithinASampleGiveTheWholeSampleResults(string name, int[] xShape, int[] window, int[] strides,
        int[] dilation, string padding, int chunkRows)
    {
        var g = GeometryOf(xShape, window, strides, dilation, padding);
        int filters = 3, cap = chunkRows * g.PatchSize;
        Assert.True(cap < g.OutPositions * g.PatchSize, $"{name}: the bound must split a sample");
        var expected = ForwardBackward(xShape, window, filters, g, ColumnChunks.MaxFloats, out _);
        var actual = ForwardBackward(xShape, window, filters, g, cap, out var op);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"{name}: {Names[i]}");
        Assert.InRange(op.ColumnFloats, 0, cap);
    }

    [Fact]
    public void ChunksAcrossSamplesSplitBetweenThreadsGiveTheWholeSampleResults()
    {
        // 3 samples of 1,024 positions with a 72-float patch, 1,000 rows per chunk: 72,000 floats, past the size from
        // which a chunk's rows are lowered and added back on the threads; the second and third chunks span two samples.
        int[] xShape = [3, 32, 32, 8], window = [3, 3];
        var g = GeometryOf(xShape, window, [1, 1], [1, 1], "same");
        int saved = KernelSettings.MaxThreads;
        try
        {
            KernelSettings.MaxThreads = 1;
            var expected = ForwardBackward(xShape, window, 4, g, ColumnChunks.MaxFloats, out _);
            KernelSettings.MaxThreads = 2;
            var actual = ForwardBackward(xShape, window, 4, g, 1000 * g.PatchSize, out _);
            for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"2 threads: {Names[i]}");
        }
        finally
        {
            KernelSettings.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ChunkedGradientsMatchFiniteDifferences(int spatial)
    {
        int[] xShape = spatial == 2 ? [2, 5, 6, 2] : [2, 4, 3, 5, 2];
        int[] window = spatial == 2 ? [3, 3] : [3, 2, 3];
        int[] ones = spatial == 2 ? [1, 1] : [1, 1, 1];
        var g = GeometryOf(xShape, window, ones, ones, "same");
        int cap = 4 * g.PatchSize; // 4 of the 30 (2-D) or 60 (3-D) rows of a sample per chunk
        GradientCheck.Check(t => Op.Record(new ConvOp(t[0], t[1], t[2], g, Nabla.Activations.Activation.Get("tanh"), cap)),
            [GradientCheck.Random(1, -1, 1, xShape), GradientCheck.Random(2, -0.5, 0.5, [.. window, 2, 3]),
             GradientCheck.Random(3, -1, 1, 3)]);
    }

    [Theory]
    [InlineData(3, 1, "same", 5)]
    [InlineData(4, 2, "same", 3)]
    [InlineData(3, 2, "valid", 1)]
    public void TransposedChunksWithinASampleGiveTheWholeSampleResults(int kernelSize, int stride, string padding, int chunkRows)
    {
        // The transposed convolution's output is the geometry's input: 2 samples of 7×8 with 3 filters, from 2 channels.
        var g = Geometry(7, 8, 3, (kernelSize, kernelSize), (stride, stride), padding: Padding(padding));
        int cap = chunkRows * g.PatchSize;
        var expected = TransposeForwardBackward(g, ColumnChunks.MaxFloats, out _);
        var actual = TransposeForwardBackward(g, cap, out var op);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"transposed {kernelSize}x{kernelSize}: {Names[i]}");
        Assert.InRange(op.ColumnFloats, 0, cap);
    }

    [Theory]
    [InlineData("same", 1, 7)]
    [InlineData("valid", 2, 3)]
    public void TransposedVolumeChunksWithinASampleGiveTheWholeSampleResults(string padding, int stride, int chunkRows)
    {
        // Conv3DTranspose's op: the output is 2 samples of 4×5×6 with 3 filters; chunks end mid-row and mid-depth-slice.
        var g = GeometryOf([2, 4, 5, 6, 3], [3, 2, 3], [stride, stride, stride], [1, 1, 1], padding);
        int cap = chunkRows * g.PatchSize;
        var expected = TransposeForwardBackward(g, ColumnChunks.MaxFloats, out _, spatialRank: 3);
        var actual = TransposeForwardBackward(g, cap, out var op, spatialRank: 3);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"transposed 3-D {padding}: {Names[i]}");
        Assert.InRange(op.ColumnFloats, 0, cap);
    }

    [Fact]
    public void OpsWaitingForTheirBackwardPassHoldColumnsOnlyWhenTheyReadThemAgain()
    {
        var g = GeometryOf([2, 16, 16, 32], [3, 3], [1, 1], [1, 1], "same");
        var x = GradientCheck.Random(1, -1, 1, 2, 16, 16, 32).RequireGrad();
        var kernel = GradientCheck.Random(2, -1, 1, 3, 3, 32, 4).RequireGrad();
        var linear = Nabla.Activations.Activation.Get("linear");
        int cap = 64 * g.PatchSize;
        // One chunk for a kernel that needs its gradient: the forward pass's columns are the kernel gradient's.
        var single = new ConvOp(x, kernel, null, g, linear);
        Assert.Equal(single.ColumnFloats, single.HeldColumnFloats);
        Assert.Equal(0, new ConvOp(x, kernel, null, g, linear, cap).HeldColumnFloats);
        using (GradMode.NoGrad()) Assert.Equal(0, new ConvOp(x, kernel, null, g, linear).HeldColumnFloats);
        // Recording many chunked steps (a ConvLSTM's) allocates their outputs, not a column buffer each.
        var graph = new List<Tensor> { Op.Record(new ConvOp(x, kernel, null, g, linear, cap)) };
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 20; step++) graph.Add(Op.Record(new ConvOp(x, kernel, null, g, linear, cap)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 20L * cap * sizeof(float), $"{allocated} bytes for 20 ops, whose columns alone would take {20L * cap * sizeof(float)}");
        new Graph(graph[^1]).Backward(GradientCheck.Random(3, -1, 1, graph[^1].Shape));
        Assert.NotNull(kernel.Grad);
    }

    [Fact]
    public void TransposedChunkedGradientsMatchFiniteDifferences()
    {
        var g = Geometry(5, 6, 2, (3, 3), (2, 2), padding: ConvPadding.Same);
        int cap = 2 * g.PatchSize;
        GradientCheck.Check(
            t => Op.Record(new ConvTransposeOp(t[0], t[1], t[2], g, Nabla.Activations.Activation.Get("tanh"), cap)),
            [GradientCheck.Random(1, -1, 1, 2, g.OutHeight, g.OutWidth, 3), GradientCheck.Random(2, -0.5, 0.5, 3, 3, 2, 3),
             GradientCheck.Random(3, -1, 1, 2)]);
    }

    [Fact]
    public void ASampleLargerThanTheBoundIsLoweredWithinIt()
    {
        // Keras's CT-scan classifier's second Conv3D: one sample's im2col matrix is 186M floats (746 MB).
        var ct = ConvGeometry.Create("ct", 63, 63, 31, 64, (3, 3, 3), (1, 1, 1), (1, 1, 1), ConvPadding.Valid);
        var chunks = new ColumnChunks(ct, 2);
        Assert.InRange(chunks.BufferFloats, ct.PatchSize, ColumnChunks.MaxFloats);
        Assert.True(chunks.Count > 1);
        var (lastStart, lastRows) = chunks[chunks.Count - 1];
        Assert.Equal(2 * ct.OutPositions, lastStart + lastRows);
        // A patch larger than the bound still takes one row per chunk.
        Assert.Equal(1, new ColumnChunks(ct, 1, maxFloats: 100).Rows);
    }

    [Fact]
    public void TheOpAllocatesBuffersWithinTheBound()
    {
        // One 64×64×32 sample, 3×3 same: 1.2M floats of im2col rows. Whole, they stay with the op for the kernel gradient;
        // bounded at 64K floats, each pass borrows its buffers from the pool and the op holds none.
        var g = Geometry(64, 64, 32, (3, 3), padding: ConvPadding.Same);
        var x = new Tensor(1, 64, 64, 32) { RequiresGrad = true };
        var kernel = new Tensor(3, 3, 32, 8) { RequiresGrad = true };
        var linear = Nabla.Activations.Activation.Get("linear");
        const int cap = 1 << 16;
        long whole = AllocatedBytes(() => new ConvOp(x, kernel, null, g, linear));
        long bounded = AllocatedBytes(() => new ConvOp(x, kernel, null, g, linear, cap));
        long output = 64L * 64 * 8 * sizeof(float);
        Assert.True(whole > (long)g.OutPositions * g.PatchSize * sizeof(float), $"whole-sample buffers: {whole} bytes");
        Assert.True(bounded < 2 * output + 64 * 1024, $"bounded buffers: {bounded} bytes");
    }

    private static readonly string[] Names = ["output", "dx", "dkernel", "dbias"];

    private static long AllocatedBytes(Func<ConvOp> create)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(create());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static ConvGeometry GeometryOf(int[] xShape, int[] window, int[] strides, int[] dilation, string padding) =>
        window.Length switch
        {
            1 => Geometry(1, xShape[1], xShape[2], (1, window[0]), (1, strides[0]), (1, dilation[0]), Padding(padding)),
            2 => Geometry(xShape[1], xShape[2], xShape[3], (window[0], window[1]), (strides[0], strides[1]),
                (dilation[0], dilation[1]), Padding(padding)),
            _ => ConvGeometry.Create("test", xShape[1], xShape[2], xShape[3], xShape[4], (window[0], window[1], window[2]),
                (strides[0], strides[1], strides[2]), (dilation[0], dilation[1], dilation[2]), Padding(padding)),
        };

    /// <summary>Output, dx, dkernel and dbias of a convolution, backpropagating fixed random output gradients.</summary>
    private static float[][] ForwardBackward(int[] xShape, int[] window, int filters, ConvGeometry g, int cap, out ConvOp op)
    {
        var x = GradientCheck.Random(1, -1, 1, xShape).RequireGrad();
        var kernel = GradientCheck.Random(2, -1, 1, [.. window, xShape[^1], filters]).RequireGrad();
        var bias = GradientCheck.Random(3, -1, 1, filters).RequireGrad();
        op = new ConvOp(x, kernel, bias, g, Nabla.Activations.Activation.Get("linear"), cap);
        var y = Op.Record(op);
        new Graph(y).Backward(GradientCheck.Random(4, -1, 1, y.Shape));
        return [y.Data, x.Grad!.Data, kernel.Grad!.Data, bias.Grad!.Data];
    }

    private static float[][] TransposeForwardBackward(ConvGeometry g, int cap, out ConvTransposeOp op, int spatialRank = 2)
    {
        var x = GradientCheck.Random(1, -1, 1, [2, .. g.OutSpatial(spatialRank), 2]).RequireGrad();
        var kernel = GradientCheck.Random(2, -1, 1, [.. g.KernelSpatial(spatialRank), g.Channels, 2]).RequireGrad();
        var bias = GradientCheck.Random(3, -1, 1, g.Channels).RequireGrad();
        op = new ConvTransposeOp(x, kernel, bias, g, Nabla.Activations.Activation.Get("linear"), cap);
        var y = Op.Record(op);
        new Graph(y).Backward(GradientCheck.Random(4, -1, 1, y.Shape));
        return [y.Data, x.Grad!.Data, kernel.Grad!.Data, bias.Grad!.Data];
    }

    /// <summary>Equal within 1e-5 of the tensor's largest magnitude: chunks sum the kernel gradient in another order.</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1e-6f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * scale, $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }
}
