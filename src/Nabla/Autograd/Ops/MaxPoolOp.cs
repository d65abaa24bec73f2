using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Channels-last max pooling, 2-D ([batch, h, w, c]) or 1-D ([batch, w, c]). Cells of "same" padding never win
/// (TensorFlow pads with −∞). Forward records which input cell won each output, the first in window order
/// (row by row) on ties; backward routes each output's gradient to that cell alone.
/// </summary>
internal sealed class MaxPoolOp : Op
{
    private readonly ConvGeometry g;
    private readonly int[] winners;

    public MaxPoolOp(Tensor x, ConvGeometry geometry) : base([x], PoolShapes.Output("max pooling", x, geometry))
    {
        g = geometry;
        winners = new int[Output.Size];
    }

    public override string Name => Inputs[0].Rank == 3 ? "max_pool1d" : "max_pool2d";

    public override void Forward()
    {
        var x = Inputs[0].Data;
        var y = Output.Data;
        int c = g.Channels, batch = Inputs[0].Shape[0];
        for (int n = 0, o = 0; n < batch; n++)
        {
            int sample = n * g.InSize;
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++, o += c)
                {
                    bool first = true;
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                    {
                        int iy = oy * g.StrideHeight - g.PadTop + ky;
                        if ((uint)iy >= (uint)g.InHeight) continue;
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int ix = ox * g.StrideWidth - g.PadLeft + kx;
                            if ((uint)ix >= (uint)g.InWidth) continue;
                            int cell = sample + (iy * g.InWidth + ix) * c;
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
    /// input shows in the output as in PyTorch.</summary>
    private void Challenge(float[] x, float[] y, int cell, int o, int c)
    {
        for (int ch = 0; ch < c; ch++)
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
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        for (int o = 0; o < winners.Length; o++) dx[winners[o]] += dy[o];
    }
}
