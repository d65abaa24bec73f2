using Nabla.Activations;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>ReLU</c> layer: max(x, 0) by default; with <c>negativeSlope</c> &gt; 0 it is leaky, and with
/// <c>maxValue</c> 6 it is relu6. Other combinations (any other max_value, a non-zero threshold) are refused.
/// </summary>
public sealed class ReLU : ActivationFunctionLayer
{
    public ReLU(double? maxValue = null, double negativeSlope = 0.0, double threshold = 0.0, int[]? inputShape = null, string? name = null)
        : base(FunctionFor(maxValue, negativeSlope, threshold, name), inputShape, name)
    {
        MaxValue = maxValue;
        NegativeSlope = negativeSlope;
    }

    public override string ClassName => "ReLU";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double? MaxValue { get; }

    public double NegativeSlope { get; }

    private static Activations.Activation FunctionFor(double? maxValue, double negativeSlope, double threshold, string? name)
    {
        string what = $"ReLU '{name ?? "relu"}'";
        if (!(negativeSlope >= 0) || double.IsInfinity(negativeSlope))
            throw new ArgumentException($"{what}: 'negative_slope' must be a finite number >= 0, found {negativeSlope}.", nameof(negativeSlope));
        if (maxValue is double m && !(m >= 0))
            throw new ArgumentException($"{what}: 'max_value' must be >= 0, found {m}.", nameof(maxValue));
        if (threshold != 0)
            throw new ArgumentException($"{what}: 'threshold' = {threshold} is not supported; only 0.", nameof(threshold));
        return (maxValue, negativeSlope) switch
        {
            (null, 0) => new Relu(),
            (null, _) => new LeakyRelu(negativeSlope),
            (6.0, 0) => new Relu6(),
            _ => throw new ArgumentException(
                $"{what}: 'max_value' = {maxValue} with negative_slope {negativeSlope} is not supported; " +
                "only max_value null, or 6 with negative_slope 0.", nameof(maxValue)),
        };
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["max_value"] = MaxValue;
        config["negative_slope"] = NegativeSlope;
        config["threshold"] = 0.0;
        return config;
    }

    public static ReLU FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "ReLU", "negative_slope", "threshold");
        double? maxValue = config.TryGet("max_value", out _) ? config.GetDouble("max_value") : null;
        return new ReLU(maxValue, config.GetDouble("negative_slope", 0), config.GetDouble("threshold", 0), inputShape, name)
        { Trainable = config.GetBool("trainable", true) };
    }
}
