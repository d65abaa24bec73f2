using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Channels-last average pooling, 2-D ([batch, h, w, c]) or 1-D ([batch, w, c]). With "same" padding each output
/// averages only the input cells its window covers, as Keras (TensorFlow's avg_pool) does: the padding is not
/// counted. Backward spreads each output's gradient evenly over those cells.
/// </summary>
internal sealed class AveragePoolOp : Op
{
    private readonly ConvGeometry g;

    public AveragePoolOp(Tensor x, ConvGeometry geometry) : base([x], PoolShapes.Output("average pooling", x, geometry)) =>
        g = geometry;

    public override string Name => Inputs[0].Rank == 3 ? "average_pool1d" : "average_pool2d";

    public override void Forward()
    {
        var x = Inputs[0].Data;
        var y = Output.Data;
        int c = g.Channels, batch = Inputs[0].Shape[0];
        for (int n = 0, o = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++, o += c)
                {
                    var sum = y.AsSpan(o, c);
                    sum.Clear();
                    var (y0, y1, x0, x1) = Window(oy, ox);
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++)
                            TensorPrimitives.Add(sum, x.AsSpan(n * g.InSize + (iy * g.InWidth + ix) * c, c), sum);
                    TensorPrimitives.Multiply(sum, 1f / ((y1 - y0) * (x1 - x0)), sum);
                }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        int c = g.Channels, batch = Inputs[0].Shape[0];
        for (int n = 0, o = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++, o += c)
                {
                    var (y0, y1, x0, x1) = Window(oy, ox);
                    float share = 1f / ((y1 - y0) * (x1 - x0));
                    var grad = dy.AsSpan(o, c);
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++)
                        {
                            var target = dx.AsSpan(n * g.InSize + (iy * g.InWidth + ix) * c, c);
                            TensorPrimitives.MultiplyAdd(grad, share, target, target);
                        }
                }
    }

    /// <summary>The input rows [y0, y1) and columns [x0, x1) the window of output (oy, ox) covers, padding cut off.</summary>
    private (int Y0, int Y1, int X0, int X1) Window(int oy, int ox)
    {
        int top = oy * g.StrideHeight - g.PadTop, left = ox * g.StrideWidth - g.PadLeft;
        return (Math.Max(top, 0), Math.Min(top + g.KernelHeight, g.InHeight),
                Math.Max(left, 0), Math.Min(left + g.KernelWidth, g.InWidth));
    }
}
