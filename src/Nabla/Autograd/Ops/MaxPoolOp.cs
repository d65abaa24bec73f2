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
                    var best = y.AsSpan(o, c);
                    var winner = winners.AsSpan(o, c);
                    best.Fill(float.NegativeInfinity);
                    winner.Fill(-1);
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                    {
                        int iy = oy * g.StrideHeight - g.PadTop + ky;
                        if ((uint)iy >= (uint)g.InHeight) continue;
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int ix = ox * g.StrideWidth - g.PadLeft + kx;
                            if ((uint)ix >= (uint)g.InWidth) continue;
                            int cell = sample + (iy * g.InWidth + ix) * c;
                            var values = x.AsSpan(cell, c);
                            for (int ch = 0; ch < c; ch++)
                            {
                                // NaN wins and stays, so a NaN input shows in the output (as in PyTorch).
                                float v = values[ch];
                                if (winner[ch] < 0 || v > best[ch] || (float.IsNaN(v) && !float.IsNaN(best[ch])))
                                {
                                    best[ch] = v;
                                    winner[ch] = cell + ch;
                                }
                            }
                        }
                    }
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
