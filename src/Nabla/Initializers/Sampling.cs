namespace Nabla.Initializers;

/// <summary>The three distributions Keras initializers draw from.</summary>
internal static class Sampling
{
    public static void Uniform(Span<float> values, RandomGenerator rng, double low, double high)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)rng.Uniform(low, high);
    }

    public static void Normal(Span<float> values, RandomGenerator rng, double mean, double stddev)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(mean + stddev * rng.NextNormal());
    }

    /// <summary>Normal values, with those more than two standard deviations from the mean discarded and
    /// re-drawn (Keras's <c>truncated_normal</c>).</summary>
    public static void TruncatedNormal(Span<float> values, RandomGenerator rng, double mean, double stddev)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double z;
            do z = rng.NextNormal(); while (Math.Abs(z) > 2.0);
            values[i] = (float)(mean + stddev * z);
        }
    }

    /// <summary>The standard deviation of a standard normal cut at ±2, the factor Keras divides by so that
    /// a truncated normal keeps the intended standard deviation.</summary>
    public const double TruncatedStdFactor = 0.87962566103423978;
}
