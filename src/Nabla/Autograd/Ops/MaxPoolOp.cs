using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Channels-last max pooling, 2-D ([batch, h, w, c]), 1-D ([batch, w, c]) or 3-D ([batch, d, h, w, c]). Cells of
/// "same" padding never win (TensorFlow pads with −∞). Forward records which input cell won each output, the first
/// in window order (slice by slice, row by row) on ties; backward routes each output's gradient to that cell alone. Samples are pooled on
/// several threads when the batch is large; each sample's outputs depend on that sample alone, so any split
/// gives the same bits.
/// </summary>
internal sealed unsafe class MaxPoolOp : Op
{
    /// <summary>From this many input floats the samples are pooled on several threads.</summary>
    private const int ParallelFloats = 1 << 16;

    private readonly ConvGeometry g;
    private readonly int batch;
    private readonly int[] winners;

    public MaxPoolOp(Tensor x, ConvGeometry geometry) : base([x], PoolShapes.Output("max pooling", x, geometry))
    {
        g = geometry;
        batch = x.Shape[0];
        winners = new int[Output.Size];
    }

    public override string Name => PoolShapes.Name("max_pool", Inputs[0].Rank);

    private int Threads => (long)batch * g.InSize >= ParallelFloats ? KernelSettings.MaxThreads : 1;

    public override void Forward()
    {
        var self = this;
        WorkerPool.For(batch, &ForwardSamples, Unsafe.AsPointer(ref self), Threads);
    }

    private static void ForwardSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<MaxPoolOp>(state);
        for (int n = start; n < end; n++) op.PoolSample(n);
    }

    private void PoolSample(int n)
    {
        var x = Inputs[0].Data;
        var y = Output.Data;
        int c = g.Channels, sample = n * g.InSize;
        int o = n * g.OutPositions * c;
        for (int oz = 0; oz < g.OutDepth; oz++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++, o += c)
                {
                    bool first = true;
                    for (int kz = 0; kz < g.KernelDepth; kz++)
                    {
                        int iz = oz * g.StrideDepth - g.PadFront + kz;
                        if ((uint)iz >= (uint)g.InDepth) continue;
                        for (int ky = 0; ky < g.KernelHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky;
                            if ((uint)iy >= (uint)g.InHeight) continue;
                            for (int kx = 0; kx < g.KernelWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if ((uint)ix >= (uint)g.InWidth) continue;
                                int cell = sample + ((iz * g.InHeight + iy) * g.InWidth + ix) * c;
                                if (first) Take(x, y, cell, o, c);
                                else Challenge(x, y, cell, o, c);
                                first = false;
                            }
                        }
                    }
                }
    }

    /// <summary>The window's first cell inside the input wins until beaten ("same" padding never wins: every window
    /// holds at least one input cell).</summary>
    private void Take(float[] x, float[] y, int cell, int o, int c)
    {
        Array.Copy(x, cell, y, o, c);
        for (int ch = 0; ch < c; ch++) winners[o + ch] = cell + ch;
    }

    /// <summary>A later cell wins where it is strictly larger (ties keep the first) or NaN over a number, so a NaN
    /// input shows in the output as in PyTorch. Vectorized over the channels, with a scalar tail.</summary>
    private void Challenge(float[] x, float[] y, int cell, int o, int c)
    {
        int ch = 0;
        if (Vector.IsHardwareAccelerated && c >= Vector<float>.Count)
        {
            ref float xs = ref MemoryMarshal.GetArrayDataReference(x);
            ref float ys = ref MemoryMarshal.GetArrayDataReference(y);
            ref int ws = ref MemoryMarshal.GetArrayDataReference(winners);
            var lanes = Vector<int>.Indices;
            for (; ch <= c - Vector<float>.Count; ch += Vector<float>.Count)
            {
                var v = Vector.LoadUnsafe(ref xs, (nuint)(cell + ch));
                var best = Vector.LoadUnsafe(ref ys, (nuint)(o + ch));
                // v != v is true exactly for NaN lanes.
                var wins = Vector.GreaterThan(v, best) | (~Vector.Equals(v, v) & Vector.Equals(best, best));
                Vector.ConditionalSelect(wins, v, best).StoreUnsafe(ref ys, (nuint)(o + ch));
                var index = new Vector<int>(cell + ch) + lanes;
                Vector.ConditionalSelect(wins, index, Vector.LoadUnsafe(ref ws, (nuint)(o + ch))).StoreUnsafe(ref ws, (nuint)(o + ch));
            }
        }
        for (; ch < c; ch++)
        {
            float v = x[cell + ch], best = y[o + ch];
            if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
            {
                y[o + ch] = v;
                winners[o + ch] = cell + ch;
            }
        }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var self = this;
        WorkerPool.For(batch, &BackwardSamples, Unsafe.AsPointer(ref self), Threads);
    }

    // A sample's winners lie inside that sample, so threads taking different samples never add to the same cell.
    private static void BackwardSamples(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<MaxPoolOp>(state);
        var dy = op.Output.Grad!.Data;
        var dx = op.Inputs[0].Grad!.Data;
        int perSample = op.Output.Size / Math.Max(op.batch, 1);
        for (int o = start * perSample; o < end * perSample; o++) dx[op.winners[o]] += dy[o];
    }
}
