using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// A channels-last transposed convolution y = activation(conv_transpose(x, kernel) + bias): 2-D x [batch, h, w, in],
/// kernel [kh, kw, filters, in] as Keras stores it, y [batch, H, W, filters]; 1-D (x [batch, w, in], kernel [k, filters,
/// in]) is the 2-D case with height 1 and 3-D (x [batch, d, h, w, in], kernel [kd, kh, kw, filters, in]) adds a depth
/// axis, which 2-D runs as depth 1 over the same cells in the same order. It is the input gradient of the convolution
/// that would map y's shape back onto x's (the geometry the op is given):
/// each input row times the kernel read as [k·filters, in], transposed, gives one im2col row of y, and the rows are
/// added onto y (col2im). Backward reads the same rows: dcols = im2col(dz), dx = dcols·kernel, dkernel = dcolsᵀ·x. The
/// column buffer is bounded as the convolution's is (<see cref="ColumnChunks"/>): chunks of samples, or of input
/// positions when one sample is too large.
/// </summary>
internal sealed class ConvTransposeOp : Op, ILogitsOutput
{
    private readonly ConvGeometry g;
    private readonly int inChannels;
    private readonly ColumnChunks chunks;
    private readonly FusedActivation activation;

    /// <param name="geometry">The convolution from the output's shape (its input) to x's shape (its output), with
    /// the output's channels, filters, as its channels.</param>
    /// <param name="maxColumnFloats">The column buffer's bound; tests lower it to force chunks within a sample.</param>
    public ConvTransposeOp(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry geometry, IActivationKernel activation,
        int maxColumnFloats = ColumnChunks.MaxFloats)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias, geometry))
    {
        g = geometry;
        inChannels = x.Shape[^1];
        this.activation = new FusedActivation(activation, Output, g.Channels);
        chunks = new ColumnChunks(g, x.Shape[0], maxColumnFloats);
    }

    /// <summary>The column buffer's length a pass borrows; no pass reads another's columns, so the op holds none.</summary>
    internal int ColumnFloats => chunks.BufferFloats;

    public override string Name => PoolShapes.Name("conv", Inputs[0].Rank) + "_transpose";

    public Tensor PreActivation => activation.PreActivation;

    public Span<float> PreActivationGradient() => activation.PreActivationGradient();

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
        int patch = g.PatchSize;
        var cols = chunks.Borrow();
        try
        {
            for (int chunk = 0; chunk < chunks.Count; chunk++)
            {
                var (r0, rows) = chunks[chunk];
                Gemm.Multiply(false, true, rows, patch, inChannels, Inputs[0].Data.AsSpan(r0 * inChannels, rows * inChannels),
                    Inputs[1].Data, cols.AsSpan(0, rows * patch));
                chunks.AddBack(cols, r0, rows, z);
            }
        }
        finally { ColumnChunks.Return(cols); }
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        activation.Forward();
    }

    public override void Backward()
    {
        var gradZ = activation.Backward();
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: true);
        bool kernelGrad = NeedsGrad(1), inputGrad = NeedsGrad(0);
        if (!kernelGrad && !inputGrad) return;
        int patch = g.PatchSize;
        var cols = chunks.Borrow();
        try
        {
            for (int chunk = 0; chunk < chunks.Count; chunk++)
            {
                var (r0, rows) = chunks[chunk];
                chunks.Lower(gradZ, r0, rows, cols);
                var dcols = cols.AsSpan(0, rows * patch);
                var x = Inputs[0].Data.AsSpan(r0 * inChannels, rows * inChannels);
                if (kernelGrad) Gemm.Multiply(true, false, patch, inChannels, rows, dcols, x, Inputs[1].Grad!.Data, accumulate: true);
                if (inputGrad)
                    Gemm.Multiply(false, false, rows, inChannels, patch, dcols, Inputs[1].Data,
                        Inputs[0].Grad!.Data.AsSpan(r0 * inChannels, rows * inChannels), accumulate: true);
            }
        }
        finally { ColumnChunks.Return(cols); }
    }
}
