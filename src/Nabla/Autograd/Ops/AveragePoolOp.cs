using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Channels-last average pooling, 2-D ([batch, h, w, c]), 1-D ([batch, w, c]) or 3-D ([batch, d, h, w, c]). With
/// "same" padding each output averages only the input cells its window covers, as Keras (TensorFlow's avg_pool) does:
/// the padding is not counted. Backward spreads each output's gradient evenly over those cells.
/// </summary>
internal sealed class AveragePoolOp : Op
{
    private readonly ConvGeometry g;

    public AveragePoolOp(Tensor x, ConvGeometry geometry) : base([x], PoolShapes.Output("average pooling", x, geometry)) =>
        g = geometry;

    public override string Name => PoolShapes.Name("average_pool", Inputs[0].Rank);

    public override void Forward()
    {
        var x = Inputs[0].Data;
        var y = Output.Data;
        int c = g.Channels, batch = Inputs[0].Shape[0];
        for (int n = 0, o = 0; n < batch; n++)
            for (int oz = 0; oz < g.OutDepth; oz++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++, o += c)
                    {
                        var sum = y.AsSpan(o, c);
                        sum.Clear();
                        var w = Window(oz, oy, ox);
                        for (int iz = w.Z0; iz < w.Z1; iz++)
                            for (int iy = w.Y0; iy < w.Y1; iy++)
                                for (int ix = w.X0; ix < w.X1; ix++)
                                    TensorPrimitives.Add(sum, x.AsSpan(Cell(n, iz, iy, ix), c), sum);
                        TensorPrimitives.Multiply(sum, 1f / w.Cells, sum);
                    }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        int c = g.Channels, batch = Inputs[0].Shape[0];
        for (int n = 0, o = 0; n < batch; n++)
            for (int oz = 0; oz < g.OutDepth; oz++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++, o += c)
                    {
                        var w = Window(oz, oy, ox);
                        float share = 1f / w.Cells;
                        var grad = dy.AsSpan(o, c);
                        for (int iz = w.Z0; iz < w.Z1; iz++)
                            for (int iy = w.Y0; iy < w.Y1; iy++)
                                for (int ix = w.X0; ix < w.X1; ix++)
                                {
                                    var target = dx.AsSpan(Cell(n, iz, iy, ix), c);
                                    TensorPrimitives.MultiplyAdd(grad, share, target, target);
                                }
                    }
    }

    private int Cell(int n, int iz, int iy, int ix) => n * g.InSize + ((iz * g.InHeight + iy) * g.InWidth + ix) * g.Channels;

    /// <summary>The input slices [Z0, Z1), rows [Y0, Y1) and columns [X0, X1) the window of output (oz, oy, ox) covers,
    /// padding cut off.</summary>
    private PoolWindow Window(int oz, int oy, int ox)
    {
        int front = oz * g.StrideDepth - g.PadFront, top = oy * g.StrideHeight - g.PadTop, left = ox * g.StrideWidth - g.PadLeft;
        return new PoolWindow(Math.Max(front, 0), Math.Min(front + g.KernelDepth, g.InDepth),
            Math.Max(top, 0), Math.Min(top + g.KernelHeight, g.InHeight),
            Math.Max(left, 0), Math.Min(left + g.KernelWidth, g.InWidth));
    }

    private readonly record struct PoolWindow(int Z0, int Z1, int Y0, int Y1, int X0, int X1)
    {
        /// <summary>The input cells inside the window: the divisor Keras's average uses.</summary>
        public int Cells => (Z1 - Z0) * (Y1 - Y0) * (X1 - X0);
    }
}
