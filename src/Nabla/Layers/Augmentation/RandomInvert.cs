using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomInvert</c> (Keras 3.6+, keras/src/layers/preprocessing/image_preprocessing/random_invert.py): in
/// training, each image draws a probability p in <c>factor</c> (a number f: [0, f]; or a [lower, upper] pair; Keras's
/// default 1.0, so [0, 1]) and is inverted, <c>value_range[1] − x</c>, when a uniform draw in [0, 1) falls below p.
/// Keras's value_range defaults to (0, 255) and nothing is clipped. The identity in inference (Keras's
/// get_random_transformation returns None and transform_images passes the images when not training).
/// </summary>
public sealed class RandomInvert : RandomIntensityLayer
{
    public RandomInvert((double Lower, double Upper) factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null,
        int[]? inputShape = null) : base(Sorted(factor), valueRange, seed, name, inputShape)
    {
        // base_image_preprocessing_layer.py _set_factor with _FACTOR_BOUNDS (0, 1): a pair is refused when it lies
        // wholly outside [0, 1].
        if (!(Factor.Lower <= 1 && Factor.Upper >= 0))
            throw new ArgumentException($"RandomInvert '{Name}': 'factor' must be a number or a pair in [0, 1]; found [{factor.Lower}, {factor.Upper}].",
                nameof(factor));
    }

    /// <summary>A probability drawn between 0 and <paramref name="factor"/> (in [0, 1]) per image.</summary>
    public RandomInvert(double factor = 1.0, (double Low, double High)? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null)
        : this(FromNumber(factor), valueRange, seed, name, inputShape) { }

    public override string ClassName => "RandomInvert";

    protected override bool AddsNoNoise => Factor.Upper <= 0;

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new RandomInvertOp(inputs, (float)Factor.Lower, (float)Factor.Upper, (float)ValueRange.High, generator);

    private static (double, double) Sorted((double Lower, double Upper) f) => f.Lower <= f.Upper ? f : (f.Upper, f.Lower);

    private static (double, double) FromNumber(double factor) => factor >= 0 && factor <= 1 ? (0, factor)
        : throw new ArgumentException($"RandomInvert: 'factor' must be between 0 and 1; found {factor}.", nameof(factor));

    public static RandomInvert FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "RandomInvert", "factor");
        var range = ReadValueRange(config, "RandomInvert");
        // data_format: a constructor argument Keras never writes; the inversion does not depend on the channel axis, so either value is taken (another is refused).
        ImageLayout.Parse("RandomInvert", config.GetString("data_format", null));
        var factor = config.TryGet("factor", out var f) && f is long or double
            ? FromNumber(Convert.ToDouble(f))
            : config.TryGet("factor", out _) ? ReadFactor(config, "RandomInvert", symmetric: false) : (0.0, 1.0);
        return new RandomInvert(factor, range, ReadSeed(config), name, inputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
