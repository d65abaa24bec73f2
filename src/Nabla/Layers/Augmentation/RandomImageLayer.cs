using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's random image layers share (keras/src/layers/preprocessing/image_preprocessing): images
/// [batch, height, width, channels], or channels first (<see cref="DataFormat"/>), changed in training only, the identity in inference, a fresh draw per sample and
/// step, and a seed for draws that repeat from run to run. The geometric ones (rotation, zoom, translation, shear, flip) warp
/// each image by an affine map (<see cref="IWarpSampler"/>), filling what falls outside as Keras does (reflect by
/// default) and reading bilinearly or at the nearest pixel.
/// </summary>
public abstract class RandomImageLayer : TrainingNoiseLayer, IWarpSampler
{
    private protected static readonly string[] FillModes = ["reflect", "wrap", "constant", "nearest"];
    private protected static readonly string[] Interpolations = ["bilinear", "nearest"];

    private protected RandomImageLayer(string fillMode, string interpolation, double fillValue, int? seed, string? dataFormat, string? name,
        int[]? inputShape) : base(seed, inputShape, name)
    {
        layout = ImageLayout.Parse($"{ClassName} '{Name}'", dataFormat);
        if (!FillModes.Contains(fillMode))
            throw new ArgumentException($"{ClassName} '{Name}': 'fill_mode' must be one of {string.Join(", ", FillModes)}; found '{fillMode}'.", nameof(fillMode));
        if (!Interpolations.Contains(interpolation))
            throw new ArgumentException(
                $"{ClassName} '{Name}': 'interpolation' must be one of {string.Join(", ", Interpolations)}; found '{interpolation}'.", nameof(interpolation));
        FillMode = fillMode;
        Interpolation = interpolation;
        FillValue = fillValue;
    }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    private protected override ImageLayout Layout => layout;

    /// <summary>How points outside the image are filled: Keras's default "reflect", or "wrap", "constant", "nearest".</summary>
    public string FillMode { get; }

    /// <summary>"bilinear" (Keras's default) or "nearest".</summary>
    public string Interpolation { get; }

    /// <summary>The value outside the image with fill_mode "constant"; Keras's default is 0.</summary>
    public double FillValue { get; }

    public override int[] ComputeOutputShape(int[] inputShape) => ImagesOnly(this, inputShape, layout);

    /// <summary>The per-sample shape of images (height, width, channels, or channels first), unchanged; anything else is
    /// refused by name.</summary>
    internal static int[] ImagesOnly(Layer layer, int[] inputShape, ImageLayout layout = default) => inputShape.Length == 3 ? inputShape
        : throw new ArgumentException(
            $"Layer '{layer.Name}' ({layer.ClassName}) needs images {(layout.ChannelsFirst ? "(None, channels, height, width)" : "(None, height, width, channels)")} " +
            $"but receives {Describe(inputShape)}.");

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new ImageWarpOp(inputs, this, generator, FillMode switch
        {
            "reflect" => WarpFill.Reflect,
            "wrap" => WarpFill.Wrap,
            "nearest" => WarpFill.Nearest,
            _ => WarpFill.Constant,
        }, Interpolation == "bilinear", (float)FillValue);

    /// <summary>Draws one sample's map (see <see cref="IWarpSampler"/>).</summary>
    public abstract void Draw(RandomGenerator rng, int height, int width, Span<float> transform);

    protected override void WriteSettings(Config config)
    {
        WriteFactors(config);
        config["fill_mode"] = FillMode;
        config["interpolation"] = Interpolation;
        config["fill_value"] = FillValue;
        config["data_format"] = layout.Name;
    }

    /// <summary>Writes the layer's factor keys.</summary>
    private protected abstract void WriteFactors(Config config);

    /// <summary>A Keras factor: a number f (the range [−f, f], or [f, f] when <paramref name="symmetric"/> is false) or a
    /// [lower, upper] pair, each within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    private protected static (double Lower, double Upper) Range(object? value, string key, string layer, bool symmetric = true,
        double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        (double lower, double upper) = value switch
        {
            // A C# caller's values; a config's go through KerasFactor.
            int or float => FromNumber(Convert.ToDouble(value)),
            (double a, double b) => (a, b),
            _ => KerasFactor.Read(value, layer, key, FromNumber),
        };
        (double, double) FromNumber(double v) => symmetric ? (-Math.Abs(v), Math.Abs(v)) : (v, v);
        if (!(lower <= upper) || lower < min || upper > max)
            throw new ArgumentException($"{layer} '{key}' must give lower ≤ upper within [{min}, {max}]; found [{lower}, {upper}].");
        return (lower, upper);
    }

    /// <summary>A range as Keras writes it: the [lower, upper] pair.</summary>
    private protected static List<object?> RangeConfig((double Lower, double Upper) range) => [range.Lower, range.Upper];

    /// <summary>The keys every random image layer reads from a config. Keras refuses a None fill_mode or interpolation,
    /// and a None fill_value has no meaning where it is used, with fill_mode "constant".</summary>
    private protected static (string FillMode, string Interpolation, double FillValue, int? Seed, string? DataFormat, string? Name, int[]? InputShape)
        ReadCommon(Config config, string className)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, className, "fill_mode", "interpolation");
        if (config.GetString("fill_mode", "reflect") == "constant") RefuseNull(config, className, "fill_value");
        return (config.GetString("fill_mode", "reflect")!, config.GetString("interpolation", "bilinear")!, config.GetDouble("fill_value", 0),
            ReadSeed(config), config.GetString("data_format", null), name, inputShape);
    }
}
