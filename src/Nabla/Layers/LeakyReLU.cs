using Nabla.Activations;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>LeakyReLU</c> layer: x for x &gt; 0, negative_slope·x otherwise. The layer's default slope is
/// 0.3 (keras/src/layers/activations/leaky_relu.py), unlike the leaky_relu function's 0.2.</summary>
public sealed class LeakyReLU : ActivationFunctionLayer
{
    public const double DefaultNegativeSlope = 0.3;

    public LeakyReLU(double negativeSlope = DefaultNegativeSlope, int[]? inputShape = null, string? name = null)
        : base(Checked(negativeSlope, name), inputShape, name) => NegativeSlope = negativeSlope;

    public override string ClassName => "LeakyReLU";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double NegativeSlope { get; }

    private static LeakyRelu Checked(double negativeSlope, string? name) =>
        negativeSlope >= 0 && double.IsFinite(negativeSlope) ? new LeakyRelu(negativeSlope)
            : throw new ArgumentException(
                $"LeakyReLU '{name ?? "leaky_re_lu"}': 'negative_slope' must be a finite number >= 0, found {negativeSlope}.",
                nameof(negativeSlope));

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["negative_slope"] = NegativeSlope;
        return config;
    }

    /// <summary>Reads Keras 3's <c>negative_slope</c>, or <c>alpha</c> as Keras 2 and TensorFlow.js write it.</summary>
    public static LeakyReLU FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "LeakyReLU", "negative_slope", "alpha");
        double slope = config.TryGet("negative_slope", out _) ? config.GetDouble("negative_slope")
            : config.GetDouble("alpha", DefaultNegativeSlope);
        return new LeakyReLU(slope, inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
