using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>
/// Keras's <c>VarianceScaling</c>: values whose variance is <c>scale / n</c>, where n is fan_in, fan_out or
/// their mean (at least 1). "uniform" draws from ±√(3·scale/n); "truncated_normal" from a normal cut at 2
/// standard deviations, its stddev divided by 0.87962566103423978 so the cut keeps √(scale/n);
/// "untruncated_normal" from N(0, scale/n). Glorot, He and LeCun are presets of this class.
/// </summary>
public class VarianceScaling : RandomInitializer
{
    private static readonly string[] Modes = ["fan_in", "fan_out", "fan_avg"];
    private static readonly string[] Distributions = ["uniform", "truncated_normal", "untruncated_normal"];

    /// <param name="distribution">"uniform", "truncated_normal", "untruncated_normal" (Keras also reads
    /// "normal" as "truncated_normal").</param>
    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", long? seed = null)
        : base(seed)
    {
        if (!(scale > 0 && double.IsFinite(scale)))
            throw new ArgumentException($"VarianceScaling scale must be a positive number; got {scale}.", nameof(scale));
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(distribution);
        if (!Modes.Contains(mode))
            throw new ArgumentException(
                $"VarianceScaling mode must be one of {string.Join(", ", Modes)}; got '{mode}'.", nameof(mode));
        distribution = distribution.ToLowerInvariant();
        if (distribution == "normal") distribution = "truncated_normal";
        if (!Distributions.Contains(distribution))
            throw new ArgumentException(
                $"VarianceScaling distribution must be one of {string.Join(", ", Distributions)}; got '{distribution}'.",
                nameof(distribution));
        Scale = scale;
        Mode = mode;
        Distribution = distribution;
    }

    public double Scale { get; }
    public string Mode { get; }
    public string Distribution { get; }

    public override string ClassName => "VarianceScaling";

    public override Config GetConfig()
    {
        var config = SeedConfig();
        config["scale"] = Scale;
        config["mode"] = Mode;
        config["distribution"] = Distribution;
        return config;
    }

    public static VarianceScaling FromConfig(Config config)
    {
        RefuseNullParameters(config, "VarianceScaling", "scale", "mode", "distribution");
        return new(config.GetDouble("scale", 1.0), config.GetString("mode", "fan_in")!,
            config.GetString("distribution", "truncated_normal")!, ReadSeedOnDefaultAxes(config, "VarianceScaling"));
    }

    /// <summary>The seed, after refusing the axes newer Keras 3 versions let a caller name for the fans
    /// (<c>input_axes</c>, <c>output_axes</c>): null, as Keras writes by default, means the fans Nabla computes.</summary>
    private protected static long? ReadSeedOnDefaultAxes(Config config, string className)
    {
        foreach (var key in (string[])["input_axes", "output_axes"])
            if (config.TryGet(key, out var axes))
                throw new ArgumentException(
                    $"{className} config '{key}' is {Config.Describe(axes)}: Nabla computes fans from Keras's default axes only (null).");
        return ReadSeed(config);
    }

    /// <summary>scale / n, the variance aimed for.</summary>
    private double Variance(int fanIn, int fanOut) => Scale / Mode switch
    {
        "fan_in" => Math.Max(1.0, fanIn),
        "fan_out" => Math.Max(1.0, fanOut),
        _ => Math.Max(1.0, (fanIn + fanOut) / 2.0),
    };

    public override double ExpectedStd(int fanIn, int fanOut) => Math.Sqrt(Variance(fanIn, fanOut));

    protected override void Fill(Span<float> values, int[] shape)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        double std = ExpectedStd(fanIn, fanOut);
        var rng = Generator();
        switch (Distribution)
        {
            case "truncated_normal": Sampling.TruncatedNormal(values, rng, 0, std / Sampling.TruncatedStdFactor); break;
            case "untruncated_normal": Sampling.Normal(values, rng, 0, std); break;
            default: double limit = Math.Sqrt(3.0) * std; Sampling.Uniform(values, rng, -limit, limit); break;
        }
    }
}
