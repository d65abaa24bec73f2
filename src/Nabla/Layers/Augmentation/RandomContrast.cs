using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomContrast</c>: in training, scales each image's deviation from its per-channel mean by a factor drawn
/// in [1 − lower, 1 + upper] (<c>factor</c> a number f: lower = upper = f; or the pair), then clips to
/// <c>value_range</c>, Keras 3's default (0, 255) (keras/src/layers/preprocessing/image_preprocessing/random_contrast.py).
/// The identity in inference.
/// </summary>
public sealed class RandomContrast : TrainingNoiseLayer
{
    public RandomContrast((double Lower, double Upper) factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null,
        int[]? inputShape = null) : base(seed, inputShape, name)
    {
        if (!(factor.Lower >= 0 && factor.Lower <= 1 && factor.Upper >= 0))
            throw new ArgumentException(
                $"RandomContrast '{Name}': 'factor' must give a lower bound in [0, 1] and an upper bound ≥ 0; found [{factor.Lower}, {factor.Upper}].",
                nameof(factor));
        Factor = factor;
        ValueRange = valueRange ?? (0, 255);
        if (!(ValueRange.Low < ValueRange.High))
            throw new ArgumentException($"RandomContrast '{Name}': 'value_range' must be [low, high] with low < high; found [{ValueRange.Low}, {ValueRange.High}].",
                nameof(valueRange));
    }

    /// <summary>A contrast factor between 1 − <paramref name="factor"/> and 1 + <paramref name="factor"/>.</summary>
    public RandomContrast(double factor, int? seed = null, string? name = null, int[]? inputShape = null)
        : this((factor, factor), null, seed, name, inputShape) { }

    public override string ClassName => "RandomContrast";

    /// <summary>How far below and above 1 the factor may go.</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>The range outputs are clipped to.</summary>
    public (double Low, double High) ValueRange { get; }

    protected override bool AddsNoNoise => false;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape.Length == 3 ? inputShape
        : throw new ArgumentException($"Layer '{Name}' (RandomContrast) needs images (None, height, width, channels) but receives {Describe(inputShape)}.");

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new RandomContrastOp(inputs, (float)(1 - Factor.Lower), (float)(1 + Factor.Upper), (float)ValueRange.Low, (float)ValueRange.High, generator);

    protected override void WriteSettings(Config config)
    {
        config["factor"] = new List<object?> { Factor.Lower, Factor.Upper };
        config["value_range"] = new List<object?> { ValueRange.Low, ValueRange.High };
    }

    public static RandomContrast FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var factor = config.TryGet("factor", out var f) ? f switch
        {
            long or double => (Convert.ToDouble(f), Convert.ToDouble(f)),
            List<object?> { Count: 2 } pair when pair.All(v => v is long or double) => (Convert.ToDouble(pair[0]), Convert.ToDouble(pair[1])),
            _ => throw new ArgumentException($"RandomContrast 'factor' must be a number or a [lower, upper] pair; found {Config.Describe(f)}."),
        } : throw new ArgumentException("RandomContrast config needs 'factor'.");
        return new RandomContrast(factor, ReadValueRange(config, "RandomContrast"), ReadSeed(config), name, inputShape)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }

    /// <summary>A config's <c>value_range</c> [low, high]; null when absent (Keras's default (0, 255)).</summary>
    internal static (double, double)? ReadValueRange(Config config, string layer) =>
        !config.TryGet("value_range", out var r) ? null
            : r is List<object?> { Count: 2 } bounds && bounds.All(v => v is long or double)
                ? (Convert.ToDouble(bounds[0]), Convert.ToDouble(bounds[1]))
                : throw new ArgumentException($"{layer} 'value_range' must be [low, high]; found {Config.Describe(r)}.");
}
