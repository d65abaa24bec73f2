namespace Nabla.Autograd.Ops;

/// <summary>
/// Keras 3.6+'s random erasing on images [batch, height, width, channels]
/// (keras/src/layers/preprocessing/image_preprocessing/random_erasing.py). Every forward pass draws, in Keras's order and
/// per sample: two scale draws in [scaleLower, scaleUpper] whose square roots are the patch's width and height as fractions
/// of the image's; the patch's left start, U(0, 1)·(width − patch width), then its top likewise; an erasing probability
/// p in [lower, upper]; a threshold t in [0, 1). A sample with t &lt; p takes the fill at every pixel whose column lies in
/// [x0, x0 + patch width) and row in [y0, y0 + patch height) (real bounds against whole pixel indices); the fill is the
/// given per-channel values, or when none a fresh N(0, 1)·value_range[1] per value, clipped to value_range either way.
/// The gradient passes where nothing was erased and is 0 inside an applied patch.
/// </summary>
internal sealed class RandomErasingOp : Op
{
    private readonly float lower, upper, scaleLower, scaleUpper, low, high;
    private readonly float[]? fill;
    private readonly RandomGenerator? generator;
    private readonly bool[] erased;

    public RandomErasingOp(Tensor x, float lower, float upper, float scaleLower, float scaleUpper, float[]? fill, float low, float high,
        RandomGenerator? generator) : base([x], x.Shape)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Random erasing needs images [batch, height, width, channels]; found {Tensor.ShapeString(x.Shape)}.");
        if (fill is { Length: > 1 } && fill.Length != x.Shape[3])
            throw new ArgumentException($"Random erasing's fill has {fill.Length} values for images of {x.Shape[3]} channels.");
        (this.lower, this.upper, this.scaleLower, this.scaleUpper, this.fill, this.low, this.high, this.generator) =
            (lower, upper, scaleLower, scaleUpper, fill, low, high, generator);
        erased = new bool[x.Size];
    }

    public override string Name => "random_erasing";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        int batch = Inputs[0].Shape[0], height = Inputs[0].Shape[1], width = Inputs[0].Shape[2], channels = Inputs[0].Shape[3];
        var ratios = new double[batch * 2];
        for (int i = 0; i < ratios.Length; i++) ratios[i] = Math.Sqrt(rng.Uniform(scaleLower, scaleUpper));
        var (x0, x1, y0, y1) = (new double[batch], new double[batch], new double[batch], new double[batch]);
        for (int b = 0; b < batch; b++)
        {
            double length = ratios[2 * b] * width;
            x0[b] = rng.NextDouble() * (width - length);
            x1[b] = x0[b] + length;
        }
        for (int b = 0; b < batch; b++)
        {
            double length = ratios[2 * b + 1] * height;
            y0[b] = rng.NextDouble() * (height - length);
            y1[b] = y0[b] + length;
        }
        var probabilities = new double[batch];
        for (int b = 0; b < batch; b++) probabilities[b] = rng.Uniform(lower, upper);
        var apply = new bool[batch];
        for (int b = 0; b < batch; b++) apply[b] = rng.NextDouble() < probabilities[b];
        var (x, y) = (Inputs[0].Data, Output.Data);
        int i2 = 0;
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++)
                {
                    bool inside = apply[b] && c >= x0[b] && c < x1[b] && r >= y0[b] && r < y1[b];
                    for (int ch = 0; ch < channels; ch++, i2++)
                    {
                        // Keras draws the noise for every value, erased or not; so does this, to keep the draws in step.
                        float value = fill is null ? (float)(rng.NextNormal() * high) : fill[fill.Length == 1 ? 0 : ch];
                        erased[i2] = inside;
                        y[i2] = inside ? Math.Clamp(value, low, high) : x[i2];
                    }
                }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var (dy, dx) = (Output.Grad!.Data, Inputs[0].Grad!.Data);
        for (int i = 0; i < dx.Length; i++)
            if (!erased[i]) dx[i] += dy[i];
    }
}
