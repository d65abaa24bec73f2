using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras 3.6+'s <c>RandomErasing</c> (keras/src/layers/preprocessing/image_preprocessing/random_erasing.py): in training,
/// each image draws a probability in <c>factor</c> (a number f in [0, 1]: [0, f]; Keras's default 1.0) and, with it, has
/// one rectangle replaced by <c>fill_value</c> (a number, or one per channel; Keras's default None: N(0, 1) noise times
/// value_range[1]), clipped to <c>value_range</c> (default (0, 255)). The rectangle's width and height are the square
/// roots of two independent draws in <c>scale</c> (default (0.02, 0.33); a number s: [0, s]) times the image's, placed
/// uniformly inside it (see <see cref="RandomErasingOp"/>). The identity in inference.
/// </summary>
public sealed class RandomErasing : RandomIntensityLayer
{
    public RandomErasing((double Lower, double Upper) factor, (double Lower, double Upper)? scale = null, double[]? fillValue = null,
        (double Low, double High)? valueRange = null, int? seed = null, string? dataFormat = null, string? name = null, int[]? inputShape = null)
        : base(UnitPair(factor, "factor"), valueRange, seed, name, inputShape)
    {
        layout = ImageLayout.Parse($"RandomErasing '{Name}'", dataFormat);
        Scale = UnitPair(scale ?? (0.02, 0.33), "scale");
        if (fillValue is { Length: not (1 or 3) })
            throw new ArgumentException($"RandomErasing '{Name}': 'fill_value' must be a number or a list of three numbers; found {fillValue.Length} numbers.",
                nameof(fillValue));
        FillValue = fillValue;
    }

    /// <summary>An erasing probability drawn between 0 and <paramref name="factor"/> (in [0, 1]) per image.</summary>
    public RandomErasing(double factor = 1.0, (double Lower, double Upper)? scale = null, double? fillValue = null,
        (double Low, double High)? valueRange = null, int? seed = null, string? name = null, int[]? inputShape = null)
        : this(FromNumber(factor, "factor"), scale, fillValue is { } f ? [f] : null, valueRange, seed, null, name, inputShape) { }

    public override string ClassName => "RandomErasing";

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    private protected override ImageLayout Layout => layout;

    public override int[] ComputeOutputShape(int[] inputShape) => RandomImageLayer.ImagesOnly(this, inputShape, layout);

    /// <summary>The range of the two draws whose square roots are the patch's width and height fractions.</summary>
    public (double Lower, double Upper) Scale { get; }

    /// <summary>One value, or one per channel; null: Gaussian noise times value_range[1].</summary>
    public double[]? FillValue { get; }

    protected override bool AddsNoNoise => Factor.Upper <= 0;

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new RandomErasingOp(inputs, (float)Factor.Lower, (float)Factor.Upper, (float)Scale.Lower, (float)Scale.Upper,
            FillValue?.Select(v => (float)v).ToArray(), (float)ValueRange.Low, (float)ValueRange.High, generator);

    protected override void WriteSettings(Config config)
    {
        base.WriteSettings(config);
        config["scale"] = new List<object?> { Scale.Lower, Scale.Upper };
        config["fill_value"] = FillValue switch
        {
            null => null,
            [var one] => one,
            var many => many.Select(v => (object?)v).ToList(),
        };
        // Keras's get_config leaves data_format out (the layer's argument); written where leaving it out could change it.
        layout.WriteUnlessKerasDefault(config);
    }

    /// <summary>base_image_preprocessing_layer.py _set_factor with bounds (0, 1) (random_erasing.py's
    /// _set_factor_by_name for scale alike): a number f in [0, 1] is [0, f].</summary>
    private static (double, double) FromNumber(double value, string key) => value is >= 0 and <= 1 ? (0, value)
        : throw new ArgumentException($"RandomErasing: '{key}' must be a number in [0, 1] or a pair; found {value}.", key);

    /// <summary>A pair, sorted; refused as Keras does only when it lies wholly outside [0, 1].</summary>
    private static (double, double) UnitPair((double Lower, double Upper) pair, string key)
    {
        var (a, b) = pair.Lower <= pair.Upper ? pair : (pair.Upper, pair.Lower);
        if (!(pair.Lower <= 1 && pair.Upper >= 0))
            throw new ArgumentException($"RandomErasing: '{key}' must be a number in [0, 1] or a pair; found [{pair.Lower}, {pair.Upper}].", key);
        return (a, b);
    }

    private static (double, double)? ReadUnit(Config config, string key) => !config.TryGet(key, out var v) ? null
        : KerasFactor.Read(v, "RandomErasing", key, f => FromNumber(f, key), "a number in [0, 1] or a pair");

    public static RandomErasing FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "RandomErasing", "factor", "scale");
        var range = ReadValueRange(config, "RandomErasing");
        double[]? fill = !config.TryGet("fill_value", out var f) ? null : f switch
        {
            long or double => [Convert.ToDouble(f)],
            IList<object?> { Count: 3 } three when three.All(p => p is long or double) => three.Select(Convert.ToDouble).ToArray(),
            _ => throw new ArgumentException($"RandomErasing 'fill_value' must be a number or a list of three numbers; found {Config.Describe(f)}."),
        };
        return new RandomErasing(ReadUnit(config, "factor") ?? (0, 1), ReadUnit(config, "scale"), fill, range, ReadSeed(config),
            config.GetString("data_format", null), name, inputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
