namespace Nabla.Data;

/// <summary>
/// Seeded synthetic data sets for tests, benchmarks and the clinic: Gaussian class clusters
/// (classification) and a noisy nonlinear target (regression). <c>scale</c> and <c>offset</c>
/// deliberately produce un-normalized inputs.
/// </summary>
public static partial class Synthetic
{
    /// <summary>
    /// <paramref name="classes"/> Gaussian clusters in <paramref name="features"/> dimensions, centers drawn
    /// uniformly in [-1, 1], spread <paramref name="noise"/>; x = scale·point + offset. Labels are class
    /// indices stored as floats, balanced and shuffled.
    /// </summary>
    public static (Tensor x, Tensor y) Classification(int samples, int features, int classes, int seed,
        double noise = 0.5, double scale = 1, double offset = 0)
    {
        Check(samples, features);
        if (classes < 2) throw new ArgumentException($"Synthetic classification needs at least 2 classes, found {classes}.", nameof(classes));
        var rng = new RandomGenerator(seed);
        var centers = new double[classes, features];
        for (int c = 0; c < classes; c++)
            for (int f = 0; f < features; f++) centers[c, f] = rng.Uniform(-1, 1);
        var labels = new int[samples];
        for (int i = 0; i < samples; i++) labels[i] = i % classes;
        rng.Shuffle(labels);
        var x = new Tensor(samples, features);
        var y = new Tensor(samples);
        for (int i = 0; i < samples; i++)
        {
            y.Data[i] = labels[i];
            for (int f = 0; f < features; f++)
                x.Data[i * features + f] = (float)(scale * (centers[labels[i], f] + noise * rng.NextNormal()) + offset);
        }
        return (x, y);
    }

    /// <summary>y = sin(a·x) + b·x + noise with random a, b over the features; x uniform in [-1, 1]·scale + offset.
    /// With <paramref name="outputs"/> above 1, each target column has its own a and b over the same x (drawn after
    /// the first column's, so one output gives the same data as before).</summary>
    public static (Tensor x, Tensor y) Regression(int samples, int features, int seed, double noise = 0.05,
        double scale = 1, double offset = 0, double targetScale = 1, int outputs = 1)
    {
        Check(samples, features);
        if (outputs < 1) throw new ArgumentException($"Synthetic regression needs at least 1 output, found {outputs}.", nameof(outputs));
        var rng = new RandomGenerator(seed);
        var a = new double[outputs, features];
        var b = new double[outputs, features];
        for (int f = 0; f < features; f++)
        {
            a[0, f] = rng.Uniform(-2, 2);
            b[0, f] = rng.Uniform(-1, 1) / Math.Sqrt(features);
        }
        for (int o = 1; o < outputs; o++)
            for (int f = 0; f < features; f++)
            {
                a[o, f] = rng.Uniform(-2, 2);
                b[o, f] = rng.Uniform(-1, 1) / Math.Sqrt(features);
            }
        var x = new Tensor(samples, features);
        var y = new Tensor(samples, outputs);
        var target = new double[outputs];
        for (int i = 0; i < samples; i++)
        {
            Array.Clear(target);
            for (int f = 0; f < features; f++)
            {
                double u = rng.Uniform(-1, 1);
                x.Data[i * features + f] = (float)(scale * u + offset);
                for (int o = 0; o < outputs; o++) target[o] += Math.Sin(a[o, f] * u) / Math.Sqrt(features) + b[o, f] * u;
            }
            for (int o = 0; o < outputs; o++) y.Data[i * outputs + o] = (float)(targetScale * (target[o] + noise * rng.NextNormal()));
        }
        return (x, y);
    }

    private static void Check(int samples, int features)
    {
        if (samples <= 0) throw new ArgumentException($"Synthetic data needs a positive sample count, found {samples}.", nameof(samples));
        if (features <= 0) throw new ArgumentException($"Synthetic data needs a positive feature count, found {features}.", nameof(features));
        // The same budget as data read from a file, checked before the tensor is allocated.
        long bytes = (long)samples * features * sizeof(float);
        if (bytes > DataReadOptions.DefaultMaxBytes)
            throw new ArgumentException(
                $"Synthetic data of {samples} samples × {features} features needs {bytes} bytes, over the {DataReadOptions.DefaultMaxBytes}-byte " +
                "data budget (DataReadOptions.DefaultMaxBytes).", nameof(features));
    }
}
