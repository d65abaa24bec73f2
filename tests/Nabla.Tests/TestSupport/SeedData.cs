namespace Nabla.Tests.TestSupport;

/// <summary>
/// A small synthetic stand-in for MNIST as the seed programs use it: 784 "pixels" in 0..255, 10 classes.
/// Each class has a random sparse prototype image; samples are the prototype plus noise, clipped to
/// [0, 255] and rounded like real pixels. Labels come one-hot.
/// </summary>
public static class SeedData
{
    public static (Tensor xRaw, Tensor xNormalized, Tensor yOneHot, int[] labels) Make(int samples = 800, int seed = 3)
    {
        const int features = 784, classes = 10;
        var rng = new RandomGenerator(seed);
        var prototypes = new float[classes, features];
        for (int c = 0; c < classes; c++)
            for (int f = 0; f < features; f++)
                prototypes[c, f] = rng.NextDouble() < 0.2 ? (float)rng.Uniform(100, 255) : 0f;
        var raw = new Tensor(samples, features);
        var normalized = new Tensor(samples, features);
        var y = new Tensor(samples, classes);
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            int c = labels[i] = i % classes;
            y[i, c] = 1;
            for (int f = 0; f < features; f++)
            {
                double v = prototypes[c, f] + 60 * rng.NextNormal();
                float pixel = (float)Math.Round(Math.Clamp(v, 0, 255));
                raw.Data[i * features + f] = pixel;
                normalized.Data[i * features + f] = pixel / 255f;
            }
        }
        return (raw, normalized, y, labels);
    }
}
