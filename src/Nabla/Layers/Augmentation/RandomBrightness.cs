using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomBrightness</c>: in training, adds to each image a shift drawn from <c>factor</c> (a number f: between
/// −f and f; or a [lower, upper] pair, within [−1, 1]) times the width of <c>value_range</c> (Keras's default (0, 255)),
/// then clips to the range (keras/src/layers/preprocessing/image_preprocessing/random_brightness.py). The identity in
/// inference.
/// </summary>
public sealed class RandomBrightness : RandomIntensityLayer
{
    public RandomBrightness((double Lower, double Upper) factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null,
        int[]? inputShape = null) : base(factor, valueRange, seed, name, inputShape)
    {
        if (!(factor.Lower <= factor.Upper && factor.Lower >= -1 && factor.Upper <= 1))
            throw new ArgumentException(
                $"RandomBrightness '{Name}': 'factor' must give lower ≤ upper within [-1, 1]; found [{factor.Lower}, {factor.Upper}].", nameof(factor));
    }

    /// <summary>A shift between −<paramref name="factor"/> and <paramref name="factor"/> of the value range.</summary>
    public RandomBrightness(double factor, int? seed = null, string? name = null, int[]? inputShape = null)
        : this((-Math.Abs(factor), Math.Abs(factor)), null, seed, name, inputShape) { }

    public override string ClassName => "RandomBrightness";

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator)
    {
        double width = ValueRange.High - ValueRange.Low;
        return new RandomBrightnessOp(inputs, (float)(Factor.Lower * width), (float)(Factor.Upper * width), (float)ValueRange.Low,
            (float)ValueRange.High, generator);
    }

    public static RandomBrightness FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new RandomBrightness(ReadFactor(config, "RandomBrightness", symmetric: true), ReadValueRange(config, "RandomBrightness"),
            ReadSeed(config), name, inputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
