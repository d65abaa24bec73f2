namespace Nabla.Data;

public static partial class Synthetic
{
    /// <summary>
    /// Small channels_last images [samples, height, width, channels] in [0, 1], like MNIST's pixels: each class is a
    /// template of three Gaussian blobs per channel; a sample is its class's template moved by up to one pixel in
    /// each direction, scaled by a brightness in [0.8, 1.2], plus Gaussian noise of std <paramref name="noise"/>,
    /// clipped to [0, 1]; x = scale·pixel + offset (scale 255 gives raw 0..255 pixels). Labels are class indices
    /// stored as floats, balanced and shuffled. The shift makes position-invariant features (convolutions) pay off.
    /// </summary>
    public static (Tensor x, Tensor y) Images(int samples, int height, int width, int channels, int classes, int seed,
        double noise = 0.1, double scale = 1, double offset = 0)
    {
        if (height <= 0 || width <= 0 || channels <= 0)
            throw new ArgumentException($"Synthetic images need positive height, width and channels, found {height}x{width}x{channels}.");
        Check(samples, checked(height * width * channels));
        if (classes < 2) throw new ArgumentException($"Synthetic images need at least 2 classes, found {classes}.", nameof(classes));
        var rng = new RandomGenerator(seed);
        int pixels = height * width * channels;
        var templates = new float[classes][];
        for (int c = 0; c < classes; c++) templates[c] = Template(rng, height, width, channels);
        var labels = new int[samples];
        for (int i = 0; i < samples; i++) labels[i] = i % classes;
        rng.Shuffle(labels);
        var x = new Tensor(samples, height, width, channels);
        var y = new Tensor(samples);
        for (int i = 0; i < samples; i++)
        {
            y.Data[i] = labels[i];
            var template = templates[labels[i]];
            int dy = rng.NextInt(3) - 1, dx = rng.NextInt(3) - 1;
            double brightness = rng.Uniform(0.8, 1.2);
            var image = x.Data.AsSpan(i * pixels, pixels);
            for (int r = 0; r < height; r++)
                for (int col = 0; col < width; col++)
                    for (int ch = 0; ch < channels; ch++)
                    {
                        int sr = r - dy, sc = col - dx;
                        double v = sr >= 0 && sr < height && sc >= 0 && sc < width ? brightness * template[(sr * width + sc) * channels + ch] : 0;
                        v = Math.Clamp(v + noise * rng.NextNormal(), 0, 1);
                        image[(r * width + col) * channels + ch] = (float)(scale * v + offset);
                    }
        }
        return (x, y);
    }

    /// <summary>Three Gaussian blobs per channel at random places, of radius about a sixth of the image, peak 1.</summary>
    private static float[] Template(RandomGenerator rng, int height, int width, int channels)
    {
        var t = new float[height * width * channels];
        double sigma = Math.Max(0.75, Math.Min(height, width) / 6.0);
        for (int ch = 0; ch < channels; ch++)
            for (int blob = 0; blob < 3; blob++)
            {
                double cy = rng.Uniform(0, height - 1), cx = rng.Uniform(0, width - 1);
                for (int r = 0; r < height; r++)
                    for (int c = 0; c < width; c++)
                    {
                        double d2 = ((r - cy) * (r - cy) + (c - cx) * (c - cx)) / (2 * sigma * sigma);
                        ref float p = ref t[(r * width + c) * channels + ch];
                        p = Math.Max(p, (float)Math.Exp(-d2));
                    }
            }
        return t;
    }
}
