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
public sealed class RandomBrightness : TrainingNoiseLayer
{
    public RandomBrightness((double Lower, double Upper) factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null,
        int[]? inputShape = null) : base(seed, inputShape, name)
    {
        if (!(factor.Lower <= factor.Upper && factor.Lower >= -1 && factor.Upper <= 1))
            throw new ArgumentException(
                $"RandomBrightness '{Name}': 'factor' must give lower ≤ upper within [-1, 1]; found [{factor.Lower}, {factor.Upper}].", nameof(factor));
        Factor = factor;
        ValueRange = valueRange ?? (0, 255);
        if (!(ValueRange.Low < ValueRange.High))
            throw new ArgumentException(
                $"RandomBrightness '{Name}': 'value_range' must be [low, high] with low < high; found [{ValueRange.Low}, {ValueRange.High}].", nameof(valueRange));
    }

    /// <summary>A shift between −<paramref name="factor"/> and <paramref name="factor"/> of the value range.</summary>
    public RandomBrightness(double factor, int? seed = null, string? name = null, int[]? inputShape = null)
        : this((-Math.Abs(factor), Math.Abs(factor)), null, seed, name, inputShape) { }

    public override string ClassName => "RandomBrightness";

    /// <summary>The range of the shift, as fractions of the value range's width.</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>The range outputs are clipped to.</summary>
    public (double Low, double High) ValueRange { get; }

    protected override bool AddsNoNoise => false;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape.Length == 3 ? inputShape
        : throw new ArgumentException($"Layer '{Name}' (RandomBrightness) needs images (None, height, width, channels) but receives {Describe(inputShape)}.");

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator)
    {
        double width = ValueRange.High - ValueRange.Low;
        return new RandomBrightnessOp(inputs, (float)(Factor.Lower * width), (float)(Factor.Upper * width), (float)ValueRange.Low,
            (float)ValueRange.High, generator);
    }

    protected override void WriteSettings(Config config)
    {
        config["factor"] = new List<object?> { Factor.Lower, Factor.Upper };
        config["value_range"] = new List<object?> { ValueRange.Low, ValueRange.High };
    }

    public static RandomBrightness FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var factor = config.TryGet("factor", out var f) ? f switch
        {
            long or double => (-Math.Abs(Convert.ToDouble(f)), Math.Abs(Convert.ToDouble(f))),
            List<object?> { Count: 2 } pair when pair.All(v => v is long or double) => (Convert.ToDouble(pair[0]), Convert.ToDouble(pair[1])),
            _ => throw new ArgumentException($"RandomBrightness 'factor' must be a number or a [lower, upper] pair; found {Config.Describe(f)}."),
        } : throw new ArgumentException("RandomBrightness config needs 'factor'.");
        return new RandomBrightness(factor, RandomContrast.ReadValueRange(config, "RandomBrightness"), ReadSeed(config), name, inputShape)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
