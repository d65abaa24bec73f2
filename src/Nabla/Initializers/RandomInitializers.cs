using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>Normal values (Keras <c>random_normal</c>: mean 0, stddev 0.05).</summary>
public sealed class RandomNormal(double mean = 0.0, double stddev = 0.05, long? seed = null) : RandomInitializer(seed)
{
    public double Mean { get; } = Finite(mean, "mean");
    public double Stddev { get; } = Finite(stddev, "stddev", nonNegative: true);

    public override string ClassName => "RandomNormal";

    public override Config GetConfig()
    {
        var config = SeedConfig();
        config["mean"] = Mean;
        config["stddev"] = Stddev;
        return config;
    }

    public static RandomNormal FromConfig(Config config)
    {
        RefuseNullParameters(config, "RandomNormal", "mean", "stddev");
        return new(config.GetDouble("mean", 0.0), config.GetDouble("stddev", 0.05), ReadSeed(config));
    }

    protected override void Fill(Span<float> values, int[] shape) => Sampling.Normal(values, Generator(), Mean, Stddev);

    public override double ExpectedStd(int fanIn, int fanOut) => Stddev;
}

/// <summary>Uniform values in [minval, maxval) (Keras <c>random_uniform</c>: -0.05, 0.05).</summary>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05, long? seed = null) : RandomInitializer(seed)
{
    public double Minval { get; } = Finite(minval, "minval");
    public double Maxval { get; } = Finite(maxval, "maxval");

    public override string ClassName => "RandomUniform";

    public override Config GetConfig()
    {
        var config = SeedConfig();
        config["minval"] = Minval;
        config["maxval"] = Maxval;
        return config;
    }

    public static RandomUniform FromConfig(Config config)
    {
        RefuseNullParameters(config, "RandomUniform", "minval", "maxval");
        return new(config.GetDouble("minval", -0.05), config.GetDouble("maxval", 0.05), ReadSeed(config));
    }

    protected override void Fill(Span<float> values, int[] shape) => Sampling.Uniform(values, Generator(), Minval, Maxval);

    /// <summary>The standard deviation of U(a, b) is (b − a)/√12.</summary>
    public override double ExpectedStd(int fanIn, int fanOut) => (Maxval - Minval) / Math.Sqrt(12);
}

/// <summary>
/// Normal values re-drawn when more than two standard deviations from the mean (Keras
/// <c>truncated_normal</c>: mean 0, stddev 0.05). Unlike VarianceScaling, Keras does not correct
/// <see cref="Stddev"/> for the cut, so the values' standard deviation is 0.8796·stddev.
/// </summary>
public sealed class TruncatedNormal(double mean = 0.0, double stddev = 0.05, long? seed = null) : RandomInitializer(seed)
{
    public double Mean { get; } = Finite(mean, "mean");
    public double Stddev { get; } = Finite(stddev, "stddev", nonNegative: true);

    public override string ClassName => "TruncatedNormal";

    public override Config GetConfig()
    {
        var config = SeedConfig();
        config["mean"] = Mean;
        config["stddev"] = Stddev;
        return config;
    }

    public static TruncatedNormal FromConfig(Config config)
    {
        RefuseNullParameters(config, "TruncatedNormal", "mean", "stddev");
        return new(config.GetDouble("mean", 0.0), config.GetDouble("stddev", 0.05), ReadSeed(config));
    }

    protected override void Fill(Span<float> values, int[] shape) =>
        Sampling.TruncatedNormal(values, Generator(), Mean, Stddev);

    public override double ExpectedStd(int fanIn, int fanOut) => Stddev * Sampling.TruncatedStdFactor;
}
