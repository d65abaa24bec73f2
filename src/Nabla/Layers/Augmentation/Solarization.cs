using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Solarization</c> (Keras 3.6+, keras/src/layers/preprocessing/image_preprocessing/solarization.py): in
/// training, each image, mapped from <c>value_range</c> (Keras's default (0, 255), kept sorted) to [0, 255], gets an
/// addition drawn per image, is clipped to [0, 255], and every value at or above a threshold drawn per image becomes
/// 255 minus itself; the result is mapped back. <c>addition_factor</c> and <c>threshold_factor</c> are each a number f
/// in [0, 1] (the range (0, f)) or a pair within [0, 1]; as Keras, a draw falls between the range's lower end and 255
/// times its upper end (the lower end is not scaled). With Keras's defaults (0, 0) every value is inverted. The identity
/// in inference: Keras's get_random_transformation returns None when not training and transform_images then returns
/// the images.
/// </summary>
public sealed class Solarization : TrainingNoiseLayer
{
    public Solarization((double Lower, double Upper) additionFactor, (double Lower, double Upper) thresholdFactor,
        (double Low, double High)? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null) : base(seed, inputShape, name)
    {
        AdditionFactor = Checked(additionFactor, "addition_factor");
        ThresholdFactor = Checked(thresholdFactor, "threshold_factor");
        ValueRange = RandomIntensityLayer.SortedValueRange(this, valueRange);
    }

    /// <summary>Additions drawn in (0, <paramref name="additionFactor"/>), thresholds in (0, <paramref name="thresholdFactor"/>),
    /// each factor in [0, 1] (Keras's defaults 0, 0).</summary>
    public Solarization(double additionFactor = 0, double thresholdFactor = 0, (double Low, double High)? valueRange = null, int? seed = null,
        string? name = null, int[]? inputShape = null) : this((0, additionFactor), (0, thresholdFactor), valueRange, seed, name, inputShape) { }

    public override string ClassName => "Solarization";

    /// <summary>The (lower, upper) addition range, sorted; a draw lies in [lower, 255·upper].</summary>
    public (double Lower, double Upper) AdditionFactor { get; }

    /// <summary>The (lower, upper) threshold range, sorted; a draw lies in [lower, 255·upper].</summary>
    public (double Lower, double Upper) ThresholdFactor { get; }

    /// <summary>The range of the images' values, sorted.</summary>
    public (double Low, double High) ValueRange { get; }

    protected override bool AddsNoNoise => false;

    public override int[] ComputeOutputShape(int[] inputShape) => RandomImageLayer.ImagesOnly(this, inputShape);

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new SolarizationOp(inputs, ((float)AdditionFactor.Lower, (float)(AdditionFactor.Upper * 255)),
            ((float)ThresholdFactor.Lower, (float)(ThresholdFactor.Upper * 255)), (float)ValueRange.Low, (float)ValueRange.High, generator);

    /// <summary>Keras's order: value_range, addition_factor, threshold_factor, then (from the base) seed.</summary>
    protected override void WriteSettings(Config config)
    {
        config["value_range"] = new List<object?> { ValueRange.Low, ValueRange.High };
        config["addition_factor"] = new List<object?> { AdditionFactor.Lower, AdditionFactor.Upper };
        config["threshold_factor"] = new List<object?> { ThresholdFactor.Lower, ThresholdFactor.Upper };
    }

    /// <summary>solarization.py _set_factor: each end within [0, 1], the pair sorted.</summary>
    private (double, double) Checked((double Lower, double Upper) factor, string key)
    {
        foreach (var end in new[] { factor.Lower, factor.Upper })
            if (!(end >= 0 && end <= 1))
                throw new ArgumentException(
                    $"Solarization '{Name}': '{key}' must be a number or a pair of numbers in [0, 1]; found [{factor.Lower}, {factor.Upper}].", key);
        return factor.Lower <= factor.Upper ? factor : (factor.Upper, factor.Lower);
    }

    /// <summary>A factor key of a config: a number f, read as (0, f), or a pair; absent, Keras's default 0.</summary>
    private static (double, double) ReadFactor(Config config, string key)
    {
        RefuseNull(config, "Solarization", key);
        return !config.TryGet(key, out var f) ? (0, 0)
            : KerasFactor.Read(f, "Solarization", key, v => (0, v));
    }

    public static Solarization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var range = RandomIntensityLayer.ReadValueRange(config, "Solarization");
        // data_format: a base constructor argument Keras never writes here; solarization does not depend on the channel axis, so either value is taken (another is refused).
        ImageLayout.Parse("Solarization", config.GetString("data_format", null));
        return new Solarization(ReadFactor(config, "addition_factor"), ReadFactor(config, "threshold_factor"), range, ReadSeed(config), name,
            inputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
