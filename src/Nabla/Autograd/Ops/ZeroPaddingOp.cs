using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Pads a channels-last batch [batch, h, w, c] with zero rows above and below and zero columns left and
/// right; backward keeps the gradient of the original cells.</summary>
internal sealed class ZeroPaddingOp : Op
{
    private readonly int top, left, height, width, channels, outWidth;

    public ZeroPaddingOp(Tensor x, int top, int bottom, int left, int right)
        : base([x], OutputShape(x, top, bottom, left, right))
    {
        (this.top, this.left) = (top, left);
        (height, width, channels) = (x.Shape[1], x.Shape[2], x.Shape[3]);
        outWidth = Output.Shape[2];
    }

    public override string Name => "zero_padding2d";

    private static int[] OutputShape(Tensor x, int top, int bottom, int left, int right)
    {
        if (x.Rank != 4) throw new ArgumentException($"zero padding 2d needs inputs [batch, h, w, c], found {Tensor.ShapeString(x.Shape)}.");
        if (top < 0 || bottom < 0 || left < 0 || right < 0)
            throw new ArgumentException($"zero padding 2d: paddings must be >= 0, found (({top}, {bottom}), ({left}, {right})).");
        return [x.Shape[0], x.Shape[1] + top + bottom, x.Shape[2] + left + right, x.Shape[3]];
    }

    public override void Forward()
    {
        var y = Output.Data;
        Array.Clear(y);
        var x = Inputs[0].Data;
        int rowLength = width * channels;
        for (int row = 0; row < InputRows; row++)
            x.AsSpan(row * rowLength, rowLength).CopyTo(y.AsSpan(PaddedOffset(row), rowLength));
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        int rowLength = width * channels;
        for (int row = 0; row < InputRows; row++)
        {
            var slot = dx.AsSpan(row * rowLength, rowLength);
            TensorPrimitives.Add(slot, dy.AsSpan(PaddedOffset(row), rowLength), slot);
        }
    }

    private int InputRows => Inputs[0].Shape[0] * height;

    /// <summary>Where input row <paramref name="row"/> (sample n, image row iy) starts in the padded output.</summary>
    private int PaddedOffset(int row)
    {
        int n = row / height, iy = row % height;
        return ((n * Output.Shape[1] + iy + top) * outWidth + left) * channels;
    }
}
