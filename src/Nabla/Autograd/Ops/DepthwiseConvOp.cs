using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// A channels-last depthwise convolution y = activation(depthwise(x, kernel) + bias), Keras's DepthwiseConv2D:
/// x [batch, h, w, c], kernel [kh, kw, c, multiplier], output [batch, oh, ow, c·multiplier] where input channel c
/// with multiplier m feeds output channel c·multiplier + m (Keras's order). No channel mixes with another, so there
/// is no GEMM to lower to: each window cell adds x[cell, :] times its kernel slice to the output row, a few
/// vectorized multiply-adds per cell. Backward beside it: dx[cell] += dz·kernel slice, dkernel[slice] += dz·x[cell].
/// Samples are independent, so the forward pass and dx are spread over threads by sample; the kernel gradient is
/// summed per fixed group of samples and the groups are added in order, so any thread count gives the same bits.
/// The pre-activation z is kept for backward and for the training doctor, as the convolution op does.
/// A 1-D batch (DepthwiseConv1D) is x [batch, steps, c] with kernel [k, c, multiplier]: the same data as a 2-D batch of
/// height 1, which its geometry describes, so the same loops run on it.
/// With one filter per channel and stride 1 along the width, a window cell's inputs for a whole output row are
/// contiguous, so the multiply-adds go a row at a time against the kernel slice tiled along the row (one call per row
/// and window cell instead of one per output cell: a call on 32 channels costs more in overhead than in arithmetic).
/// </summary>
internal sealed unsafe class DepthwiseConvOp : Op, ILogitsOutput
{
    /// <summary>Samples per kernel-gradient partial sum: the grouping follows the batch, never the thread count.</summary>
    private const int SamplesPerGroup = 8;

    /// <summary>From this many multiply-adds per pass the samples are spread over several threads.</summary>
    private const long ParallelMacs = 1 << 16;

    private readonly ConvGeometry g;
    private readonly int batch, multiplier, outChannels, kernelSize, groups;
    private readonly FusedActivation activation;
    // dz of the backward pass under way, for the sample and group workers.
    private float[] gradZ = [];
    // [groups, kh·kw·c·multiplier]: each group's kernel gradient, added into the kernel's in group order.
    private float[]? groupKernelGrads;
    private bool kernelGradWanted, inputGradWanted;
    // The row form (multiplier 1, stride 1 along the width): the kernel tiled along an output row, [kh·kw, ow·c], and
    // each group's kernel gradient before the row is folded, [groups, kh·kw, ow·c].
    private readonly bool rowWise;
    private readonly float[]? tiledKernel;
    private float[]? groupTiledGrads;
    private readonly RowSegment[] segments = [];

    /// <summary>One window cell's multiply-add over a run of an output row, as offsets into a sample's output (and
    /// output gradient), its input (and input gradient) and the tiled kernel (and tiled kernel gradient).</summary>
    private readonly record struct RowSegment(int Out, int In, int Kernel, int Length);

    public DepthwiseConvOp(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry geometry, IActivationKernel activation)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias, geometry))
    {
        g = geometry;
        batch = x.Shape[0];
        multiplier = kernel.Shape[^1];
        outChannels = g.Channels * multiplier;
        kernelSize = kernel.Size;
        groups = (batch + SamplesPerGroup - 1) / SamplesPerGroup;
        this.activation = new FusedActivation(activation, Output, outChannels);
        if (kernel.RequiresGrad) groupKernelGrads = new float[groups * kernelSize];
        rowWise = multiplier == 1 && g.StrideWidth == 1;
        if (rowWise)
        {
            tiledKernel = new float[TiledSize];
            if (kernel.RequiresGrad) groupTiledGrads = new float[groups * TiledSize];
            segments = Segments();
        }
    }

    private int RowLength => g.OutWidth * g.Channels;

    private int TiledSize => g.KernelHeight * g.KernelWidth * RowLength;

    public override string Name => PoolShapes.Name("depthwise_conv", Inputs[0].Rank);

    /// <summary>z = depthwise(x, kernel) + bias, before the activation.</summary>
    public Tensor PreActivation => activation.PreActivation;

    public Span<float> PreActivationGradient() => activation.PreActivationGradient();

    public IActivationKernel Activation => activation.Kernel;

    private static int[] OutputShape(Tensor x, Tensor kernel, Tensor? bias, ConvGeometry g)
    {
        PoolShapes.CheckInput("depthwise conv", x, g);
        int spatial = x.Rank - 2;
        if (spatial is not (1 or 2))
            throw new ArgumentException($"depthwise conv: inputs {Tensor.ShapeString(x.Shape)} are neither 1-D nor 2-D batches.");
        int[] expectedKernel = [.. g.KernelSpatial(spatial), g.Channels];
        if (kernel.Rank != spatial + 2 || !kernel.Shape.AsSpan(0, spatial + 1).SequenceEqual(expectedKernel) || kernel.Shape[^1] <= 0)
            throw new ArgumentException(
                $"depthwise conv: kernel {Tensor.ShapeString(kernel.Shape)} does not match the expected " +
                $"[{string.Join(", ", expectedKernel)}, depth_multiplier].");
        int outChannels = g.Channels * kernel.Shape[^1];
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outChannels))
            throw new ArgumentException($"depthwise conv: bias {Tensor.ShapeString(bias.Shape)} does not match the {outChannels} output channels.");
        return [x.Shape[0], .. g.OutSpatial(spatial), outChannels];
    }

    public override void Forward()
    {
        if (rowWise) TileKernel();
        var self = this;
        WorkerPool.For(batch, &ForwardSamples, Unsafe.AsPointer(ref self), Threads());
        var z = PreActivation.Data;
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        activation.Forward();
    }

    protected internal override bool CanOverwriteGrad(int i) => i != 0;

    public override void Backward()
    {
        gradZ = activation.Backward();
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: !OverwritesGrad(2));
        kernelGradWanted = NeedsGrad(1);
        inputGradWanted = NeedsGrad(0);
        if (!kernelGradWanted && !inputGradWanted) return;
        // Allocated with the op when the kernel needs a gradient then; only a later change of mind allocates here.
        if (kernelGradWanted) groupKernelGrads ??= new float[groups * kernelSize];
        if (rowWise)
        {
            if (kernelGradWanted) groupTiledGrads ??= new float[groups * TiledSize];
            // Tiled again (a few copies of a small kernel): dx is taken with the kernel as it is now, as the
            // cell-by-cell form reads it, not as the forward pass last saw it.
            TileKernel();
        }
        var self = this;
        WorkerPool.For(groups, &BackwardGroups, Unsafe.AsPointer(ref self), Threads());
        if (!kernelGradWanted) return;
        var grad = Inputs[1].Grad!.Data.AsSpan(0, kernelSize);
        if (groups == 0) { if (OverwritesGrad(1)) grad.Clear(); return; }
        var partials = groupKernelGrads.AsSpan();
        if (OverwritesGrad(1)) partials[..kernelSize].CopyTo(grad);
        else TensorPrimitives.Add(grad, partials[..kernelSize], grad);
        for (int i = 1; i < groups; i++) TensorPrimitives.Add(grad, partials.Slice(i * kernelSize, kernelSize), grad);
    }

    private int Threads() =>
        (long)batch * g.OutPositions * g.KernelHeight * g.KernelWidth * outChannels >= ParallelMacs ? KernelSettings.MaxThreads : 1;

    /// <summary>The input row of window cell (ky, kx) of output position (oy, ox), or -1 when it lies in the padding.</summary>
    private int Cell(int oy, int ox, int ky, int kx)
    {
        int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
        int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
        return (uint)iy < (uint)g.InHeight && (uint)ix < (uint)g.InWidth ? iy * g.InWidth + ix : -1;
    }

    private static void ForwardSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<DepthwiseConvOp>(state);
        var g = op.g;
        int c = g.Channels, m = op.multiplier, width = op.outChannels;
        var x = op.Inputs[0].Data;
        var kernel = op.Inputs[1].Data;
        var z = op.PreActivation.Data;
        for (int n = start; n < end; n++)
        {
            if (op.rowWise) { op.ForwardRows(n); continue; }
            var sample = x.AsSpan(n * g.InSize, g.InSize);
            for (int oy = 0, o = n * g.OutPositions; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++, o++)
                {
                    var row = z.AsSpan(o * width, width);
                    row.Clear();
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int cell = op.Cell(oy, ox, ky, kx);
                            if (cell < 0) continue;
                            var xs = sample.Slice(cell * c, c);
                            var ks = kernel.AsSpan((ky * g.KernelWidth + kx) * width, width);
                            if (m == 1) TensorPrimitives.MultiplyAdd(xs, ks, row, row);
                            else ScaledPerChannelAdd(xs, ks, row, m);
                        }
                }
        }
    }

    private static void BackwardGroups(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<DepthwiseConvOp>(state);
        for (int group = start; group < end; group++)
        {
            int n0 = group * SamplesPerGroup, n1 = Math.Min(n0 + SamplesPerGroup, op.batch);
            var dk = op.kernelGradWanted ? op.groupKernelGrads.AsSpan(group * op.kernelSize, op.kernelSize) : default;
            dk.Clear();
            if (!op.rowWise)
            {
                for (int n = n0; n < n1; n++) op.BackwardSample(n, dk);
                continue;
            }
            var tiled = op.kernelGradWanted ? op.groupTiledGrads.AsSpan(group * op.TiledSize, op.TiledSize) : default;
            tiled.Clear();
            for (int n = n0; n < n1; n++) op.BackwardRows(n, tiled);
            if (op.kernelGradWanted) op.FoldRows(tiled, dk);
        }
    }

    /// <summary>Each window cell's kernel slice repeated along an output row.</summary>
    private void TileKernel()
    {
        int c = g.Channels, rowLength = RowLength;
        var kernel = Inputs[1].Data;
        for (int cell = 0; cell < g.KernelHeight * g.KernelWidth; cell++)
        {
            var slice = kernel.AsSpan(cell * c, c);
            var row = tiledKernel.AsSpan(cell * rowLength, rowLength);
            for (int ox = 0; ox < g.OutWidth; ox++) slice.CopyTo(row.Slice(ox * c, c));
        }
    }

    /// <summary>The row form's multiply-adds of one sample, in the order (output row, window row, window column), with
    /// the output columns whose window cell lies in the padding left out. They depend on the geometry alone.</summary>
    private RowSegment[] Segments()
    {
        int c = g.Channels, rowLength = RowLength;
        var list = new List<RowSegment>();
        for (int oy = 0; oy < g.OutHeight; oy++)
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                if ((uint)iy >= (uint)g.InHeight) continue;
                for (int kx = 0; kx < g.KernelWidth; kx++)
                {
                    // Stride 1: output column ox reads input column ox + offset.
                    int offset = kx * g.DilationWidth - g.PadLeft;
                    int lo = Math.Max(0, -offset), hi = Math.Min(g.OutWidth, g.InWidth - offset);
                    if (lo >= hi) continue;
                    list.Add(new RowSegment(oy * rowLength + lo * c, (iy * g.InWidth + lo + offset) * c,
                        (ky * g.KernelWidth + kx) * rowLength + lo * c, (hi - lo) * c));
                }
            }
        return [.. list];
    }

    /// <summary>Sample <paramref name="n"/>'s z, a row run at a time: each output cell sums its window cells in the
    /// order of the cell-by-cell form (ky, then kx).</summary>
    private void ForwardRows(int n)
    {
        int outSize = g.OutPositions * g.Channels;
        var sample = Inputs[0].Data.AsSpan(n * g.InSize, g.InSize);
        var z = PreActivation.Data.AsSpan(n * outSize, outSize);
        z.Clear();
        foreach (var s in segments)
        {
            var zs = z.Slice(s.Out, s.Length);
            TensorPrimitives.MultiplyAdd(sample.Slice(s.In, s.Length), tiledKernel.AsSpan(s.Kernel, s.Length), zs, zs);
        }
    }

    /// <summary>Sample <paramref name="n"/>'s dx (when wanted), and its kernel gradient added into
    /// <paramref name="tiled"/> along the row (when wanted), a row run at a time.</summary>
    private void BackwardRows(int n, Span<float> tiled)
    {
        int outSize = g.OutPositions * g.Channels;
        var x = Inputs[0].Data.AsSpan(n * g.InSize, g.InSize);
        var dx = inputGradWanted ? Inputs[0].Grad!.Data.AsSpan(n * g.InSize, g.InSize) : default;
        var dz = gradZ.AsSpan(n * outSize, outSize);
        foreach (var s in segments)
        {
            var dzs = dz.Slice(s.Out, s.Length);
            if (kernelGradWanted)
            {
                var sums = tiled.Slice(s.Kernel, s.Length);
                TensorPrimitives.MultiplyAdd(dzs, x.Slice(s.In, s.Length), sums, sums);
            }
            if (inputGradWanted)
            {
                var dxs = dx.Slice(s.In, s.Length);
                TensorPrimitives.MultiplyAdd(dzs, tiledKernel.AsSpan(s.Kernel, s.Length), dxs, dxs);
            }
        }
    }

    /// <summary>dk[cell, :] = Σ over the row's columns of tiled[cell, column, :], columns in order.</summary>
    private void FoldRows(ReadOnlySpan<float> tiled, Span<float> dk)
    {
        int c = g.Channels, rowLength = RowLength;
        for (int cell = 0; cell < g.KernelHeight * g.KernelWidth; cell++)
        {
            var sum = dk.Slice(cell * c, c);
            for (int ox = 0; ox < g.OutWidth; ox++) TensorPrimitives.Add(sum, tiled.Slice(cell * rowLength + ox * c, c), sum);
        }
    }

    /// <summary>Adds sample <paramref name="n"/>'s share to <paramref name="dk"/> (when wanted) and to its dx.</summary>
    private void BackwardSample(int n, Span<float> dk)
    {
        int c = g.Channels, m = multiplier, width = outChannels;
        var x = Inputs[0].Data.AsSpan(n * g.InSize, g.InSize);
        var kernel = Inputs[1].Data;
        var dx = inputGradWanted ? Inputs[0].Grad!.Data.AsSpan(n * g.InSize, g.InSize) : default;
        for (int oy = 0, o = n * g.OutPositions; oy < g.OutHeight; oy++)
            for (int ox = 0; ox < g.OutWidth; ox++, o++)
            {
                ReadOnlySpan<float> dz = gradZ.AsSpan(o * width, width);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int cell = Cell(oy, ox, ky, kx);
                        if (cell < 0) continue;
                        int slice = (ky * g.KernelWidth + kx) * width;
                        if (kernelGradWanted)
                        {
                            var xs = x.Slice(cell * c, c);
                            var dks = dk.Slice(slice, width);
                            if (m == 1) TensorPrimitives.MultiplyAdd(dz, xs, dks, dks);
                            else ScaledPerChannelAdd(xs, dz, dks, m);
                        }
                        if (inputGradWanted)
                        {
                            var ks = kernel.AsSpan(slice, width);
                            var dxs = dx.Slice(cell * c, c);
                            if (m == 1) TensorPrimitives.MultiplyAdd(dz, ks, dxs, dxs);
                            else PerChannelDotAdd(dz, ks, dxs, m);
                        }
                    }
            }
    }

    // With a depth multiplier each input channel meets m adjacent output channels; m is small (MobileNet uses 1, rarely
    // more than a few), where a plain loop beats one vector call per channel.

    /// <summary>target[ch·m + j] += values[ch] · row[ch·m + j] for every channel ch and multiplier j.</summary>
    private static void ScaledPerChannelAdd(ReadOnlySpan<float> values, ReadOnlySpan<float> row, Span<float> target, int m)
    {
        if (m >= 16)
        {
            for (int ch = 0; ch < values.Length; ch++)
            {
                var t = target.Slice(ch * m, m);
                TensorPrimitives.MultiplyAdd(row.Slice(ch * m, m), values[ch], t, t);
            }
            return;
        }
        for (int ch = 0, k = 0; ch < values.Length; ch++)
        {
            float v = values[ch];
            for (int j = 0; j < m; j++, k++) target[k] += row[k] * v;
        }
    }

    /// <summary>target[ch] += Σ_j a[ch·m + j] · b[ch·m + j] for every channel ch.</summary>
    private static void PerChannelDotAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> target, int m)
    {
        if (m >= 16)
        {
            for (int ch = 0; ch < target.Length; ch++) target[ch] += TensorPrimitives.Dot(a.Slice(ch * m, m), b.Slice(ch * m, m));
            return;
        }
        for (int ch = 0, k = 0; ch < target.Length; ch++)
        {
            float sum = 0;
            for (int j = 0; j < m; j++, k++) sum += a[k] * b[k];
            target[ch] += sum;
        }
    }
}
