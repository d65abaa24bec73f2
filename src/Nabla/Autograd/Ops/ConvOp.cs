using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// A channels-last convolution y = activation(conv(x, kernel) + bias), 2-D (x [batch, h, w, in], kernel
/// [kh, kw, in, out]), 1-D (x [batch, w, in], kernel [k, in, out], the 2-D case with height 1) or 3-D
/// (x [batch, d, h, w, in], kernel [kd, kh, kw, in, out]). The batch is
/// lowered to im2col rows (<see cref="Im2Col"/>) and multiplied by the kernel read as a [kh·kw·in, out] matrix
/// in one packed SGEMM, whose rows are then the NHWC output. Backward: dkernelᵀ = dzᵀ·cols, dcols = dz·kernelᵀ
/// added back onto dx (col2im). The im2col buffer is bounded (<see cref="ColumnChunks"/>): a large batch is lowered
/// a chunk of samples at a time, and a sample too large on its own a run of output positions at a time; the backward
/// pass then lowers each chunk again. The pre-activation z is kept for backward and for the training doctor, as the
/// dense op does.
/// </summary>
internal sealed class ConvOp : Op, ILogitsOutput
{
    private readonly ConvGeometry g;
    private readonly int filters;
    private readonly ColumnChunks chunks;
    private readonly FusedActivation activation;
    // dkernelᵀ [filters, patch], summed over the chunks, then added transposed into the kernel's gradient.
    private readonly float[] kernelGradTransposed;
    // The lowered batch, kept from the forward pass when one chunk holds it and the kernel gradient will read it again.
    // Every other pass borrows its buffers from the shared pool and returns them, so that ops waiting on a long tape
    // (a ConvLSTM's steps, a deep network's large convolutions) hold no columns between their passes.
    private readonly float[]? keptCols;

    /// <param name="maxColumnFloats">The im2col buffers' bound; tests lower it to force chunks within a sample.</param>
    public ConvOp(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry geometry, IActivationKernel activation,
        int maxColumnFloats = ColumnChunks.MaxFloats)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias, geometry))
    {
        g = geometry;
        filters = kernel.Shape[^1];
        this.activation = new FusedActivation(activation, Output, filters);
        kernelGradTransposed = new float[filters * g.PatchSize];
        chunks = new ColumnChunks(g, x.Shape[0], maxColumnFloats);
        if (!g.IsPointwise && chunks.Count == 1 && GradMode.IsEnabled && kernel.RequiresGrad) keptCols = new float[chunks.BufferFloats];
    }

    /// <summary>The im2col buffer's length a pass uses (0 for a 1×1 stride-1 convolution, which reads its input in place).</summary>
    internal int ColumnFloats => g.IsPointwise ? 0 : chunks.BufferFloats;

    /// <summary>The im2col floats the op holds between its passes.</summary>
    internal int HeldColumnFloats => keptCols?.Length ?? 0;

    public override string Name => PoolShapes.Name("conv", Inputs[0].Rank);

    /// <summary>z = conv(x, kernel) + bias, before the activation.</summary>
    public Tensor PreActivation => activation.PreActivation;

    public Span<float> PreActivationGradient() => activation.PreActivationGradient();

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
        var borrowed = g.IsPointwise || keptCols is not null ? null : chunks.Borrow();
        try
        {
            for (int chunk = 0; chunk < chunks.Count; chunk++)
            {
                var (r0, rows) = chunks[chunk];
                Gemm.Multiply(false, false, rows, filters, g.PatchSize, Lower(keptCols ?? borrowed, r0, rows), Inputs[1].Data,
                    z.AsSpan(r0 * filters, rows * filters));
            }
        }
        finally { ColumnChunks.Return(borrowed); }
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
        int patch = g.PatchSize;
        var kernel = Inputs[1];
        bool lowerAgain = kernelGrad && !g.IsPointwise && keptCols is null;
        float[]? cols = lowerAgain ? chunks.Borrow() : keptCols, gradCols = inputGrad && !g.IsPointwise ? chunks.Borrow() : null;
        try
        {
            for (int chunk = 0; chunk < chunks.Count; chunk++)
            {
                var (r0, rows) = chunks[chunk];
                var dz = gradZ.AsSpan(r0 * filters, rows * filters);
                if (kernelGrad)
                {
                    // Kept columns are this chunk's, lowered by the forward pass.
                    ReadOnlySpan<float> lowered = lowerAgain ? Lower(cols, r0, rows) : Lowered(cols, r0, rows);
                    // The transposed product reads the large im2col rows in place and packs only dz: 1.5x faster
                    // here than colsᵀ·dz, which packs the columns transposed (bench/Nabla.Bench gemm "conv2 dK").
                    Gemm.Multiply(true, false, filters, patch, rows, dz, lowered, kernelGradTransposed, accumulate: chunk > 0);
                }
                if (!inputGrad) continue;
                var dx = Inputs[0].Grad!.Data;
                if (gradCols is null)
                {
                    // 1×1 stride 1: dx (+)= dz·kernelᵀ directly.
                    Gemm.Multiply(false, true, rows, g.Channels, filters, dz, kernel.Data, dx.AsSpan(r0 * g.Channels, rows * g.Channels),
                        accumulate: !OverwritesGrad(0));
                    continue;
                }
                Gemm.Multiply(false, true, rows, patch, filters, dz, kernel.Data, gradCols.AsSpan(0, rows * patch));
                chunks.AddBack(gradCols, r0, rows, dx);
            }
        }
        finally
        {
            if (lowerAgain) ColumnChunks.Return(cols);
            ColumnChunks.Return(gradCols);
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

    /// <summary>The im2col rows [r0, r0 + rows) of the batch: lowers them into <paramref name="cols"/> (null when 1×1,
    /// whose rows are the input itself).</summary>
    private ReadOnlySpan<float> Lower(float[]? cols, int r0, int rows)
    {
        if (cols is not null) chunks.Lower(Inputs[0].Data, r0, rows, cols);
        return Lowered(cols, r0, rows);
    }

    private ReadOnlySpan<float> Lowered(float[]? cols, int r0, int rows) => cols is null
        ? Inputs[0].Data.AsSpan(r0 * g.Channels, rows * g.Channels)
        : cols.AsSpan(0, rows * g.PatchSize);
}
