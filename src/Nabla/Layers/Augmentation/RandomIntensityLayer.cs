using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's RandomContrast, RandomBrightness and RandomInvert share: images [batch, height, width, channels] whose
/// values change in training by a per-image draw from a <c>factor</c> range, within <c>value_range</c> (Keras 3's default
/// (0, 255); RandomContrast and RandomBrightness clip to it, RandomInvert subtracts from its upper end).
/// </summary>
public abstract class RandomIntensityLayer : TrainingNoiseLayer
{
    private protected RandomIntensityLayer((double Lower, double Upper) factor, (double Low, double High)? valueRange, int? seed, string? name,
        int[]? inputShape) : base(seed, inputShape, name)
    {
        Factor = factor;
        ValueRange = valueRange ?? (0, 255);
        if (!(ValueRange.Low < ValueRange.High))
            throw new ArgumentException(
                $"{ClassName} '{Name}': 'value_range' must be [low, high] with low < high; found [{ValueRange.Low}, {ValueRange.High}].", nameof(valueRange));
    }

    /// <summary>The range of the per-image draw, as the layer reads it (see each layer).</summary>
    public (double Lower, double Upper) Factor { get; }

    /// <summary>The range of the images' values.</summary>
    public (double Low, double High) ValueRange { get; }

    protected override bool AddsNoNoise => false;

    public override int[] ComputeOutputShape(int[] inputShape) => RandomImageLayer.ImagesOnly(this, inputShape);

    protected override void WriteSettings(Config config)
    {
        config["factor"] = new List<object?> { Factor.Lower, Factor.Upper };
        config["value_range"] = new List<object?> { ValueRange.Low, ValueRange.High };
    }

    /// <summary>A config's <c>factor</c>: a number f, read as (−f, f) when <paramref name="symmetric"/> and as (f, f) otherwise,
    /// or a [lower, upper] pair taken as written: RandomContrast's pair is not an interval ((0.5, 0.2) means factors in
    /// [0.5, 1.2]), so the geometric layers' interval check does not apply.</summary>
    private protected static (double, double) ReadFactor(Config config, string layer, bool symmetric)
    {
        if (!config.TryGet("factor", out var f)) throw new ArgumentException($"{layer} config needs 'factor'.");
        return KerasFactor.Read(f, layer, "factor", v => symmetric ? (-Math.Abs(v), Math.Abs(v)) : (v, v));
    }

    /// <summary>A <c>value_range</c> as Keras 3.6+'s Solarization and RandomPosterization keep it, sorted (Keras's default
    /// (0, 255)); equal ends, which would divide by zero in Keras's mapping to [0, 255], are refused.</summary>
    internal static (double Low, double High) SortedValueRange(Layer layer, (double Low, double High)? valueRange)
    {
        var (low, high) = valueRange ?? (0, 255);
        if (!(low != high))
            throw new ArgumentException($"{layer.ClassName} '{layer.Name}': 'value_range' must be two different numbers; found [{low}, {high}].",
                nameof(valueRange));
        return low < high ? (low, high) : (high, low);
    }

    /// <summary>A config's <c>value_range</c> [low, high]; null when absent (Keras's default (0, 255)). Keras fails on a
    /// None value_range rather than reading it as (0, 255), so null is refused.</summary>
    internal static (double, double)? ReadValueRange(Config config, string layer)
    {
        config.RefuseNull(layer, "value_range");
        return !config.TryGet("value_range", out var r) ? null
            : r is List<object?> { Count: 2 } bounds && bounds.All(v => v is long or double)
                ? (Convert.ToDouble(bounds[0]), Convert.ToDouble(bounds[1]))
                : throw new ArgumentException($"{layer} 'value_range' must be [low, high]; found {Config.Describe(r)}.");
    }
}
