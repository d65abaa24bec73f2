using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomPosterization</c> (Keras 3.6+, keras/src/layers/preprocessing/image_preprocessing/random_posterization.py):
/// in training, each image, mapped from <c>value_range</c> (Keras's default (0, 255), kept sorted) to [0, 255] and cast to
/// uint8, keeps only its top bits, a number drawn per image, then is mapped back. <c>factor</c> (required, as in Keras) is
/// read by Keras's base _set_factor with bounds (1, 8): a number f gives the range (1, f), a pair is sorted; the bits are
/// drawn by randint in [lower, upper), upper excluded, or are lower when both ends agree (so factor 4 keeps 1, 2 or 3
/// bits, and factor 1 keeps 1). The identity in inference: Keras's transform_images changes images only in training.
/// </summary>
public sealed class RandomPosterization : TrainingNoiseLayer
{
    public RandomPosterization((int Lower, int Upper) factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null,
        int[]? inputShape = null) : base(seed, inputShape, name)
    {
        // base_image_preprocessing_layer.py _set_factor: a pair is refused when it lies wholly outside [1, 8]. Nabla also
        // refuses pairs Keras takes but cannot posterize with: a negative count, or one above 8 (a negative shift).
        var (min, max) = (Math.Min(factor.Lower, factor.Upper), Math.Max(factor.Lower, factor.Upper));
        if (factor.Lower > 8 || factor.Upper < 1 || min < 0 || max > (min == max ? 8 : 9))
            throw new ArgumentException($"RandomPosterization '{Name}': 'factor' must be a number or a pair in [1, 8]; found [{factor.Lower}, {factor.Upper}].",
                nameof(factor));
        Factor = factor.Lower <= factor.Upper ? factor : (factor.Upper, factor.Lower);
        ValueRange = RandomIntensityLayer.SortedValueRange(this, valueRange);
    }

    /// <summary>Bits drawn in [1, <paramref name="factor"/>) per image (1 when <paramref name="factor"/> is 1), factor in [1, 8].</summary>
    public RandomPosterization(int factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null)
        : this(FromNumber(factor), valueRange, seed, name, inputShape) { }

    public override string ClassName => "RandomPosterization";

    /// <summary>The (lower, upper) range of the bits kept, as Keras keeps it.</summary>
    public (int Lower, int Upper) Factor { get; }

    /// <summary>The range of the images' values, sorted.</summary>
    public (double Low, double High) ValueRange { get; }

    protected override bool AddsNoNoise => false;

    public override int[] ComputeOutputShape(int[] inputShape) => RandomImageLayer.ImagesOnly(this, inputShape);

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new RandomPosterizationOp(inputs, Factor.Lower, Factor.Upper, (float)ValueRange.Low, (float)ValueRange.High, generator);

    /// <summary>Keras's order: factor, value_range, then (from the base) seed.</summary>
    protected override void WriteSettings(Config config)
    {
        config["factor"] = new List<object?> { (long)Factor.Lower, (long)Factor.Upper };
        config["value_range"] = new List<object?> { ValueRange.Low, ValueRange.High };
    }

    private static (int, int) FromNumber(int factor) => factor is >= 1 and <= 8 ? (1, factor)
        : throw new ArgumentException($"RandomPosterization: 'factor' must be between 1 and 8; found {factor}.", nameof(factor));

    /// <summary>A whole number of bits; a fractional one, which Keras's randint of uint8 does not draw, is refused.</summary>
    private static int Bits(object? value) => value is long or double && Convert.ToDouble(value) is var d && d == Math.Floor(d) && Math.Abs(d) < 1e6
        ? (int)d
        : throw new ArgumentException($"RandomPosterization 'factor' must be whole numbers of bits; found {Config.Describe(value)}.");

    public static RandomPosterization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "RandomPosterization", "factor");
        if (!config.TryGet("factor", out var f)) throw new ArgumentException("RandomPosterization config needs 'factor' (Keras's has no default).");
        var factor = f is List<object?> { Count: 2 } pair ? (Bits(pair[0]), Bits(pair[1])) : FromNumber(Bits(f));
        var range = RandomIntensityLayer.ReadValueRange(config, "RandomPosterization");
        // data_format: a base constructor argument Keras never writes here; posterization does not depend on the channel axis, so either value is taken (another is refused).
        ImageLayout.Parse("RandomPosterization", config.GetString("data_format", null));
        return new RandomPosterization(factor, range, ReadSeed(config), name, inputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
