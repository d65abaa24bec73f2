namespace Nabla.Autograd.Ops;

/// <summary>How a warp reads the input where its source point falls outside the image, as TensorFlow's
/// ImageProjectiveTransformV3 (which Keras's image layers run on): reflect (d c b a | a b c d | d c b a), wrap
/// (a b c d | a b c d | a b c d), nearest (a a a a | a b c d | d d d d) or constant (the fill value).</summary>
internal enum WarpFill { Reflect, Wrap, Nearest, Constant }

/// <summary>Draws one affine map per sample: the output point (x, y) reads the input at
/// (t[0]·x + t[1]·y + t[2], t[3]·x + t[4]·y + t[5]), TensorFlow's transform convention.</summary>
internal interface IWarpSampler
{
    void Draw(RandomGenerator rng, int height, int width, Span<float> transform);
}

/// <summary>
/// A random affine warp of images [batch, height, width, channels] (Keras's RandomRotation, RandomZoom, RandomTranslation, RandomShear,
/// RandomFlip): every forward pass draws a fresh map per sample (a replayed graph gets new ones each step), maps each
/// output pixel's source point into the image by the fill mode, and reads it bilinearly or at the nearest pixel, as
/// TensorFlow's kernel does. The output is linear in the input, so the input's gradient scatters each output gradient back
/// with the weights that read it; the maps themselves get none.
/// </summary>
internal sealed class ImageWarpOp : Op
{
    private readonly IWarpSampler sampler;
    private readonly RandomGenerator? generator;
    private readonly WarpFill fill;
    private readonly bool bilinear;
    private readonly float fillValue;
    private readonly float[] transforms;

    public ImageWarpOp(Tensor x, IWarpSampler sampler, RandomGenerator? generator, WarpFill fill, bool bilinear, float fillValue)
        : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"An image warp needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        this.sampler = sampler;
        this.generator = generator;
        this.fill = fill;
        this.bilinear = bilinear;
        this.fillValue = fillValue;
        transforms = new float[x.Shape[0] * 6];
    }

    public override string Name => "image_warp";

    /// <summary>The maps of the latest forward pass, six per sample.</summary>
    internal ReadOnlySpan<float> Transforms => transforms;

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        int batch = Inputs[0].Shape[0], height = Inputs[0].Shape[1], width = Inputs[0].Shape[2];
        for (int b = 0; b < batch; b++) sampler.Draw(rng, height, width, transforms.AsSpan(b * 6, 6));
        Walk(forward: true);
    }

    public override void Backward()
    {
        if (NeedsGrad(0)) Walk(forward: false);
    }

    /// <summary>Every output pixel's reads: forward, output = Σ weight·input (the fill value where a read leaves the image);
    /// backward, input gradient += weight·output gradient.</summary>
    private void Walk(bool forward)
    {
        var shape = Inputs[0].Shape;
        int batch = shape[0], height = shape[1], width = shape[2], channels = shape[3];
        var x = Inputs[0].Data;
        var y = Output.Data;
        var dx = forward ? null : Inputs[0].Grad!.Data;
        var dy = forward ? null : Output.Grad!.Data;
        Span<int> rows = stackalloc int[4], cols = stackalloc int[4];
        Span<float> weights = stackalloc float[4];
        for (int b = 0; b < batch; b++)
        {
            var t = transforms.AsSpan(b * 6, 6);
            int image = b * height * width * channels;
            for (int oy = 0; oy < height; oy++)
                for (int ox = 0; ox < width; ox++)
                {
                    float sx = Map(t[0] * ox + t[1] * oy + t[2], width), sy = Map(t[3] * ox + t[4] * oy + t[5], height);
                    int reads = Reads(sx, sy, rows, cols, weights);
                    int output = image + (oy * width + ox) * channels;
                    for (int c = 0; c < channels; c++)
                    {
                        if (forward)
                        {
                            float sum = 0;
                            for (int r = 0; r < reads; r++)
                                sum += weights[r] * (Inside(rows[r], cols[r], height, width)
                                    ? x[image + (rows[r] * width + cols[r]) * channels + c] : fillValue);
                            y[output + c] = sum;
                        }
                        else
                            for (int r = 0; r < reads; r++)
                                if (Inside(rows[r], cols[r], height, width))
                                    dx![image + (rows[r] * width + cols[r]) * channels + c] += weights[r] * dy![output + c];
                    }
                }
        }
    }

    private static bool Inside(int row, int col, int height, int width) => row >= 0 && row < height && col >= 0 && col < width;

    /// <summary>The pixels a source point reads and their weights: the four around it (bilinear; TensorFlow reads the
    /// pixel past the edge with weight 0 there too) or the nearest (rounded half away from zero).</summary>
    private int Reads(float sx, float sy, Span<int> rows, Span<int> cols, Span<float> weights)
    {
        if (!bilinear)
        {
            (rows[0], cols[0], weights[0]) = ((int)MathF.Round(sy, MidpointRounding.AwayFromZero), (int)MathF.Round(sx, MidpointRounding.AwayFromZero), 1f);
            return 1;
        }
        float y0 = MathF.Floor(sy), x0 = MathF.Floor(sx);
        float wy = sy - y0, wx = sx - x0;
        int r0 = (int)y0, c0 = (int)x0;
        (rows[0], cols[0], weights[0]) = (r0, c0, (1 - wy) * (1 - wx));
        (rows[1], cols[1], weights[1]) = (r0, c0 + 1, (1 - wy) * wx);
        (rows[2], cols[2], weights[2]) = (r0 + 1, c0, wy * (1 - wx));
        (rows[3], cols[3], weights[3]) = (r0 + 1, c0 + 1, wy * wx);
        return 4;
    }

    /// <summary>A source coordinate mapped into [0, length − 1] by the fill mode, as TensorFlow's MapCoordinate (constant
    /// leaves it where it is: its reads outside the image take the fill value).</summary>
    private float Map(float coordinate, int length)
    {
        if (fill == WarpFill.Constant) return coordinate;
        float c = coordinate;
        if (fill == WarpFill.Reflect && length > 1)
        {
            float period = 2f * length;
            if (c < 0)
            {
                c += period * (int)(-c / period);
                c = c < -length ? c + period : -c - 1;
            }
            else if (c > length - 1)
            {
                c -= period * (int)(c / period);
                if (c >= length) c = period - c - 1;
            }
        }
        else if (fill == WarpFill.Wrap && length > 1)
        {
            int span = length - 1;
            if (c < 0) c += length * ((int)(-c / span) + 1);
            else if (c > length - 1) c -= length * (int)(c / span);
        }
        else if (length <= 1) c = 0;
        return Math.Clamp(c, 0f, length - 1);
    }
}
