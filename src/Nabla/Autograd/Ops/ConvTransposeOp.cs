using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// A channels-last transposed convolution y = activation(conv_transpose(x, kernel) + bias): 2-D x [batch, h, w, in],
/// kernel [kh, kw, filters, in] as Keras stores it, y [batch, H, W, filters]; 1-D (x [batch, w, in], kernel [k, filters,
/// in]) is the 2-D case with height 1 and 3-D (x [batch, d, h, w, in], kernel [kd, kh, kw, filters, in]) adds a depth
/// axis, which 2-D runs as depth 1 over the same cells in the same order. It is the input gradient of the convolution
/// that would map y's shape back onto x's (the geometry the op is given):
/// each input row times the kernel read as [k·filters, in], transposed, gives one im2col row of y, and the rows are
/// added onto y (col2im). Backward reads the same rows: dcols = im2col(dz), dx = dcols·kernel, dkernel = dcolsᵀ·x. Large
/// batches go a chunk of samples at a time, so the column buffer stays bounded.
/// </summary>
internal sealed unsafe class ConvTransposeOp : Op, IActivatedOp
{
    /// <summary>From this many column floats per chunk the samples' im2col and col2im run on several threads.</summary>
    private const int ParallelColumnFloats = 1 << 16;

    private readonly ConvGeometry g;
    private readonly int batch, inChannels, chunkSamples;
    private readonly FusedActivation activation;
    private readonly float[] cols;
    private int chunkStart;
    // The gradient of z this backward pass reads (the activation's own buffer, or the output's gradient).
    private float[]? gradZ;

    /// <param name="geometry">The convolution from the output's shape (its input) to x's shape (its output), with
    /// the output's channels, filters, as its channels.</param>
    public ConvTransposeOp(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry geometry, IActivationKernel activation)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias, geometry))
    {
        g = geometry;
        batch = x.Shape[0];
        inChannels = x.Shape[^1];
        this.activation = new FusedActivation(activation, Output, g.Channels);
        long perSample = (long)g.OutPositions * g.PatchSize;
        chunkSamples = (int)Math.Clamp(ConvOp.MaxColumnFloats / perSample, 1, Math.Max(batch, 1));
        cols = new float[chunkSamples * perSample];
    }

    public override string Name => PoolShapes.Name("conv", Inputs[0].Rank) + "_transpose";

    public Tensor PreActivation => activation.PreActivation;

    public IActivationKernel Activation => activation.Kernel;

    private static int[] OutputShape(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry g)
    {
        // x has the shape of the geometry's output, the op's output that of its input.
        int spatial = x.Rank - 2;
        if (!g.FitsSpatialRank(spatial) || !x.Shape.AsSpan(1, spatial).SequenceEqual(g.OutSpatial(spatial)))
            throw new ArgumentException(
                $"conv transpose: inputs {Tensor.ShapeString(x.Shape)} do not match the geometry's " +
                $"[batch, {string.Join(", ", g.OutSpatial(Math.Clamp(spatial, 1, 3)))}, in].");
        int[] expectedKernel = [.. g.KernelSpatial(spatial), g.Channels, x.Shape[^1]];
        if (!kernel.Shape.AsSpan().SequenceEqual(expectedKernel))
            throw new ArgumentException(
                $"conv transpose: kernel {Tensor.ShapeString(kernel.Shape)} does not match the expected {Tensor.ShapeString(expectedKernel)}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != g.Channels))
            throw new ArgumentException($"conv transpose: bias {Tensor.ShapeString(bias.Shape)} does not match {g.Channels} filters.");
        return [x.Shape[0], .. g.InSpatial(spatial), g.Channels];
    }

    public override void Forward()
    {
        var z = PreActivation.Data;
        Array.Clear(z);
        int inPositions = g.OutPositions, patch = g.PatchSize;
        for (int s0 = 0; s0 < batch; s0 += chunkSamples)
        {
            int n = Math.Min(chunkSamples, batch - s0), rows = n * inPositions;
            Gemm.Multiply(false, true, rows, patch, inChannels, Inputs[0].Data.AsSpan(s0 * inPositions * inChannels, rows * inChannels),
                Inputs[1].Data, cols.AsSpan(0, rows * patch));
            RunOnSamples(s0, n, &AddBackSamples);
        }
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        activation.Forward();
    }

    public override void Backward()
    {
        gradZ = activation.Backward();
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: true);
        bool kernelGrad = NeedsGrad(1), inputGrad = NeedsGrad(0);
        if (!kernelGrad && !inputGrad) return;
        int inPositions = g.OutPositions, patch = g.PatchSize;
        for (int s0 = 0; s0 < batch; s0 += chunkSamples)
        {
            int n = Math.Min(chunkSamples, batch - s0), rows = n * inPositions;
            RunOnSamples(s0, n, &LowerSamples);
            var dcols = cols.AsSpan(0, rows * patch);
            var x = Inputs[0].Data.AsSpan(s0 * inPositions * inChannels, rows * inChannels);
            if (kernelGrad) Gemm.Multiply(true, false, patch, inChannels, rows, dcols, x, Inputs[1].Grad!.Data, accumulate: true);
            if (inputGrad)
                Gemm.Multiply(false, false, rows, inChannels, patch, dcols, Inputs[1].Data,
                    Inputs[0].Grad!.Data.AsSpan(s0 * inPositions * inChannels, rows * inChannels), accumulate: true);
        }
    }

    /// <summary>Runs <paramref name="pass"/> over samples [s0, s0 + n) of the chunk, on the kernel threads when the chunk is large.</summary>
    private void RunOnSamples(int s0, int n, delegate*<int, int, void*, void> pass)
    {
        chunkStart = s0;
        var self = this;
        int threads = (long)n * g.OutPositions * g.PatchSize >= ParallelColumnFloats ? KernelSettings.MaxThreads : 1;
        WorkerPool.For(n, pass, Unsafe.AsPointer(ref self), threads);
    }

    // Each sample's rows and output cells are its own, so any split between threads gives the same bits.
    private static void AddBackSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<ConvTransposeOp>(state);
        int perSample = op.g.OutPositions * op.g.PatchSize;
        var z = op.PreActivation.Data;
        for (int i = start; i < end; i++)
            Im2Col.AddBack(op.g, op.cols.AsSpan(i * perSample, perSample), z.AsSpan((op.chunkStart + i) * op.g.InSize, op.g.InSize));
    }

    private static void LowerSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<ConvTransposeOp>(state);
        int perSample = op.g.OutPositions * op.g.PatchSize;
        var gradZ = op.gradZ!;
        for (int i = start; i < end; i++)
            Im2Col.Lower(op.g, gradZ.AsSpan((op.chunkStart + i) * op.g.InSize, op.g.InSize), op.cols.AsSpan(i * perSample, perSample));
    }
}
