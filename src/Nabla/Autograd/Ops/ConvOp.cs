using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// A channels-last convolution y = activation(conv(x, kernel) + bias), 2-D (x [batch, h, w, in], kernel
/// [kh, kw, in, out]), 1-D (x [batch, w, in], kernel [k, in, out], the 2-D case with height 1) or 3-D
/// (x [batch, d, h, w, in], kernel [kd, kh, kw, in, out]). The batch is
/// lowered to im2col rows (<see cref="Im2Col"/>) and multiplied by the kernel read as a [kh·kw·in, out] matrix
/// in one packed SGEMM, whose rows are then the NHWC output. Backward: dkernelᵀ = dzᵀ·cols, dcols = dz·kernelᵀ
/// added back onto dx (col2im). Large batches are lowered a chunk of samples at a time, so the im2col buffer
/// stays bounded; the backward pass then lowers each chunk again. The pre-activation z is kept for backward and
/// for the training doctor, as the dense op does.
/// </summary>
internal sealed unsafe class ConvOp : Op, IActivatedOp
{
    /// <summary>Most floats an im2col buffer holds (32 MB): past it the batch is lowered in chunks of samples.</summary>
    internal const int MaxColumnFloats = 8 << 20;

    /// <summary>From this many floats per chunk the samples are lowered on several threads.</summary>
    private const int ParallelLoweringFloats = 1 << 16;

    private readonly ConvGeometry g;
    private readonly int batch, filters, chunkSamples;
    private readonly FusedActivation activation;
    // dkernelᵀ [filters, patch], summed over the chunks, then added transposed into the kernel's gradient.
    private readonly float[] kernelGradTransposed;
    private readonly float[]? cols;
    private float[]? gradCols;
    private int chunkStart;

    public ConvOp(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry geometry, IActivationKernel activation)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias, geometry))
    {
        g = geometry;
        batch = x.Shape[0];
        filters = kernel.Shape[^1];
        this.activation = new FusedActivation(activation, Output, filters);
        kernelGradTransposed = new float[filters * g.PatchSize];
        long perSample = (long)g.OutPositions * g.PatchSize;
        chunkSamples = (int)Math.Clamp(MaxColumnFloats / perSample, 1, Math.Max(batch, 1));
        if (!g.IsPointwise)
        {
            cols = new float[chunkSamples * perSample];
            if (x.RequiresGrad) gradCols = new float[cols.Length];
        }
    }

    public override string Name => PoolShapes.Name("conv", Inputs[0].Rank);

    /// <summary>z = conv(x, kernel) + bias, before the activation.</summary>
    public Tensor PreActivation => activation.PreActivation;

    public IActivationKernel Activation => activation.Kernel;

    private static int[] OutputShape(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry g)
    {
        PoolShapes.CheckInput("conv", x, g);
        int spatial = x.Rank - 2;
        int[] expectedKernel = [.. g.KernelSpatial(spatial), g.Channels, kernel.Shape[^1]];
        if (kernel.Rank != expectedKernel.Length || !kernel.Shape.AsSpan().SequenceEqual(expectedKernel))
            throw new ArgumentException(
                $"conv: kernel {Tensor.ShapeString(kernel.Shape)} does not match the expected {Tensor.ShapeString(expectedKernel)}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != kernel.Shape[^1]))
            throw new ArgumentException($"conv: bias {Tensor.ShapeString(bias.Shape)} does not match kernel {Tensor.ShapeString(kernel.Shape)}.");
        return [x.Shape[0], .. g.OutSpatial(spatial), kernel.Shape[^1]];
    }

    public override void Forward()
    {
        var z = PreActivation.Data;
        int positions = g.OutPositions;
        for (int s0 = 0; s0 < batch; s0 += chunkSamples)
        {
            int n = Math.Min(chunkSamples, batch - s0);
            ReadOnlySpan<float> lowered = Lower(s0, n);
            Gemm.Multiply(false, false, n * positions, filters, g.PatchSize, lowered, Inputs[1].Data,
                z.AsSpan(s0 * positions * filters, n * positions * filters));
        }
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        activation.Forward();
    }

    // A 1×1 stride-1 convolution writes dx with one product; the others add their columns back onto it.
    protected internal override bool CanOverwriteGrad(int i) => i != 0 || g.IsPointwise;

    public override void Backward()
    {
        var gradZ = activation.Backward();
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: !OverwritesGrad(2));
        bool kernelGrad = NeedsGrad(1), inputGrad = NeedsGrad(0);
        if (!kernelGrad && !inputGrad) return;
        int positions = g.OutPositions, patch = g.PatchSize;
        var kernel = Inputs[1];
        for (int s0 = 0; s0 < batch; s0 += chunkSamples)
        {
            int n = Math.Min(chunkSamples, batch - s0), rows = n * positions;
            var dz = gradZ.AsSpan(s0 * positions * filters, rows * filters);
            if (kernelGrad)
            {
                // The forward pass left the last chunk lowered; a single chunk needs no second lowering.
                ReadOnlySpan<float> lowered = batch <= chunkSamples ? Lowered(s0, n) : Lower(s0, n);
                // The transposed product reads the large im2col rows in place and packs only dz: 1.5x faster
                // here than colsᵀ·dz, which packs the columns transposed (bench/Nabla.Bench gemm "conv2 dK").
                Gemm.Multiply(true, false, filters, patch, rows, dz, lowered, kernelGradTransposed, accumulate: s0 > 0);
            }
            if (!inputGrad) continue;
            var dx = Inputs[0].Grad!.Data.AsSpan(s0 * g.InSize, n * g.InSize);
            if (cols is null)
            {
                // 1×1 stride 1: dx (+)= dz·kernelᵀ directly.
                Gemm.Multiply(false, true, rows, g.Channels, filters, dz, kernel.Data, dx, accumulate: !OverwritesGrad(0));
                continue;
            }
            // Allocated with the op when x needs a gradient then; only a later change of mind allocates here.
            gradCols ??= new float[cols.Length];
            Gemm.Multiply(false, true, rows, patch, filters, dz, kernel.Data, gradCols);
            chunkStart = s0;
            var self = this;
            WorkerPool.For(n, &AddBackSamples, Unsafe.AsPointer(ref self), Threads(n));
        }
        if (kernelGrad) AddTransposedKernelGrad(kernel.Grad!.Data, accumulate: !OverwritesGrad(1));
    }

    /// <summary>dkernel [patch, filters] (+)= the summed dkernelᵀ [filters, patch], transposed.</summary>
    private void AddTransposedKernelGrad(float[] grad, bool accumulate)
    {
        int patch = g.PatchSize;
        for (int p = 0; p < patch; p++)
        {
            var row = grad.AsSpan(p * filters, filters);
            for (int f = 0; f < filters; f++)
            {
                float value = kernelGradTransposed[f * patch + p];
                row[f] = accumulate ? row[f] + value : value;
            }
        }
    }

    /// <summary>The im2col rows of samples [s0, s0 + n): lowers them into the buffer (the input itself when 1×1).</summary>
    private ReadOnlySpan<float> Lower(int s0, int n)
    {
        if (cols is null) return Lowered(s0, n);
        chunkStart = s0;
        var self = this;
        WorkerPool.For(n, &LowerSamples, Unsafe.AsPointer(ref self), Threads(n));
        return Lowered(s0, n);
    }

    private ReadOnlySpan<float> Lowered(int s0, int n) => cols is null
        ? Inputs[0].Data.AsSpan(s0 * g.InSize, n * g.InSize)
        : cols.AsSpan(0, n * g.OutPositions * g.PatchSize);

    private int Threads(int samples) =>
        (long)samples * g.OutPositions * g.PatchSize >= ParallelLoweringFloats ? KernelSettings.MaxThreads : 1;

    // Each sample's rows depend on that sample alone, so any split between threads gives the same bits.
    private static void LowerSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<ConvOp>(state);
        int perSample = op.g.OutPositions * op.g.PatchSize;
        var x = op.Inputs[0].Data;
        for (int i = start; i < end; i++)
            Im2Col.Lower(op.g, x.AsSpan((op.chunkStart + i) * op.g.InSize, op.g.InSize), op.cols.AsSpan(i * perSample, perSample));
    }

    private static void AddBackSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<ConvOp>(state);
        int perSample = op.g.OutPositions * op.g.PatchSize;
        var dx = op.Inputs[0].Grad!.Data;
        for (int i = start; i < end; i++)
            Im2Col.AddBack(op.g, op.gradCols.AsSpan(i * perSample, perSample), dx.AsSpan((op.chunkStart + i) * op.g.InSize, op.g.InSize));
    }
}
