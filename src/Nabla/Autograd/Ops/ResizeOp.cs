using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Resizing of channels-last images [batch, h, w, c] to [batch, outHeight, outWidth, c] with half-pixel centres, as
/// TensorFlow's resize without antialiasing (which Keras's Resizing and UpSampling2D(interpolation="bilinear") call) and
/// torch's interpolate(align_corners=False). Bilinear: output cell o reads input coordinate (o + ½)·in/out − ½, clamped
/// to the image, between its two neighbours; nearest: the cell ⌊(o + ½)·in/out⌋. Backward adds each output gradient back
/// onto the cells it read with the same weights.
/// </summary>
internal sealed class ResizeOp : Op
{
    private readonly int height, width, channels;
    private readonly (int Lower, int Upper, float Lerp)[] rows, columns;

    public ResizeOp(Tensor x, int outHeight, int outWidth, bool bilinear = true)
        : base([x], [x.Shape[0], outHeight, outWidth, x.Shape[3]])
    {
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentException($"A resize needs a positive output size; found {outHeight}×{outWidth}.");
        (height, width, channels) = (x.Shape[1], x.Shape[2], x.Shape[3]);
        rows = Neighbours(height, outHeight, bilinear);
        columns = Neighbours(width, outWidth, bilinear);
    }

    public override string Name => "resize";

    /// <summary>For each output cell along an axis: the two input cells it lies between and the weight of the second
    /// (nearest: one cell, twice, weight 0). (o + ½)·in/out is computed as ((o + ½)·in)/out: both exact before the one
    /// rounding, so a whole factor gives the same bits as (o + ½)/factor.</summary>
    private static (int, int, float)[] Neighbours(int input, int output, bool bilinear)
    {
        var result = new (int, int, float)[output];
        for (int o = 0; o < output; o++)
        {
            double centre = (o + 0.5) * input / output;
            if (!bilinear)
            {
                int nearest = Math.Min((int)Math.Floor(centre), input - 1);
                result[o] = (nearest, nearest, 0f);
                continue;
            }
            double source = Math.Max(centre - 0.5, 0);
            int lower = Math.Min((int)source, input - 1);
            int upper = Math.Min(lower + 1, input - 1);
            result[o] = (lower, upper, (float)(source - lower));
        }
        return result;
    }

    public override void Forward()
    {
        var x = Inputs[0].Data.AsSpan();
        var y = Output.Data.AsSpan();
        int batch = Inputs[0].Shape[0], outHeight = rows.Length, outWidth = columns.Length;
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < outHeight; oy++)
            {
                var (y0, y1, ly) = rows[oy];
                for (int ox = 0; ox < outWidth; ox++)
                {
                    var (x0, x1, lx) = columns[ox];
                    var cell = y.Slice(((b * outHeight + oy) * outWidth + ox) * channels, channels);
                    TensorPrimitives.Multiply(Cell(x, b, y0, x0), (1 - ly) * (1 - lx), cell);
                    TensorPrimitives.MultiplyAdd(Cell(x, b, y0, x1), (1 - ly) * lx, cell, cell);
                    TensorPrimitives.MultiplyAdd(Cell(x, b, y1, x0), ly * (1 - lx), cell, cell);
                    TensorPrimitives.MultiplyAdd(Cell(x, b, y1, x1), ly * lx, cell, cell);
                }
            }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data.AsSpan();
        var dx = Inputs[0].Grad!.Data.AsSpan();
        int batch = Inputs[0].Shape[0], outHeight = rows.Length, outWidth = columns.Length;
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < outHeight; oy++)
            {
                var (y0, y1, ly) = rows[oy];
                for (int ox = 0; ox < outWidth; ox++)
                {
                    var (x0, x1, lx) = columns[ox];
                    ReadOnlySpan<float> g = dy.Slice(((b * outHeight + oy) * outWidth + ox) * channels, channels);
                    AddScaled(dx, b, y0, x0, g, (1 - ly) * (1 - lx));
                    AddScaled(dx, b, y0, x1, g, (1 - ly) * lx);
                    AddScaled(dx, b, y1, x0, g, ly * (1 - lx));
                    AddScaled(dx, b, y1, x1, g, ly * lx);
                }
            }
    }

    private Span<float> Cell(Span<float> image, int b, int row, int column) =>
        image.Slice(((b * height + row) * width + column) * channels, channels);

    private void AddScaled(Span<float> dx, int b, int row, int column, ReadOnlySpan<float> gradient, float weight)
    {
        var target = Cell(dx, b, row, column);
        TensorPrimitives.MultiplyAdd(gradient, weight, target, target);
    }
}
