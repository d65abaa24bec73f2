using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras 3.6+'s <c>RandomShear</c> (keras/src/layers/preprocessing/image_preprocessing/random_shear.py): in training,
/// shears each image by its own draws sx from <c>x_factor</c> and sy from <c>y_factor</c>, both multiplied by one sign,
/// −1 or +1 with probability ½ each (Keras's "invert"). Keras's map, [[1, sx, 0], [sy, 1, 0]], has no offset: the output
/// point (x, y) reads the input at (x + sx·y, sy·x + y), in pixels about the top-left pixel (not the centre), so a shear of
/// 0.3 moves the last row 0.3 × (height − 1) pixels sideways. A factor is a number f in [0, 1] (the range [−f, f]) or a
/// pair of numbers in [0, 1] (sorted); the fill modes and reads are those of <see cref="RandomImageLayer"/>, with Keras's
/// defaults x_factor = y_factor = 0 (no shear), interpolation "bilinear", fill_mode "reflect", fill_value 0. The identity
/// in inference.
/// </summary>
public sealed class RandomShear : RandomImageLayer
{
    public RandomShear((double Lower, double Upper) xFactor, (double Lower, double Upper) yFactor, string interpolation = "bilinear",
        string fillMode = "reflect", double fillValue = 0, string? dataFormat = null, int? seed = null, string? name = null,
        int[]? inputShape = null) : base(fillMode, interpolation, fillValue, seed, dataFormat, name, inputShape)
    {
        XFactor = Pair(xFactor.Lower, xFactor.Upper, "x_factor", ClassName);
        YFactor = Pair(yFactor.Lower, yFactor.Upper, "y_factor", ClassName);
    }

    /// <summary>Shears between −<paramref name="xFactor"/> and <paramref name="xFactor"/> horizontally and between
    /// −<paramref name="yFactor"/> and <paramref name="yFactor"/> vertically, each in [0, 1].</summary>
    public RandomShear(double xFactor = 0, double yFactor = 0, string interpolation = "bilinear", string fillMode = "reflect",
        double fillValue = 0, int? seed = null, string? name = null, int[]? inputShape = null)
        : this(Symmetric(xFactor, "x_factor"), Symmetric(yFactor, "y_factor"), interpolation, fillMode, fillValue, null, seed, name, inputShape) { }

    public override string ClassName => "RandomShear";

    /// <summary>The range of the horizontal shear sx before the sign is drawn.</summary>
    public (double Lower, double Upper) XFactor { get; }

    /// <summary>The range of the vertical shear sy before the sign is drawn.</summary>
    public (double Lower, double Upper) YFactor { get; }

    protected override bool AddsNoNoise => XFactor is (0, 0) && YFactor is (0, 0);

    public override void Draw(RandomGenerator rng, int height, int width, Span<float> transform)
    {
        // Keras draws the sign, then sy, then sx (get_random_transformation), one each per image.
        double sign = rng.NextDouble() > 0.5 ? -1 : 1;
        double sy = sign * rng.Uniform(YFactor.Lower, YFactor.Upper);
        double sx = sign * rng.Uniform(XFactor.Lower, XFactor.Upper);
        (transform[0], transform[1], transform[2]) = (1f, (float)sx, 0f);
        (transform[3], transform[4], transform[5]) = ((float)sy, 1f, 0f);
    }

    private protected override void WriteFactors(Config config)
    {
        config["x_factor"] = RangeConfig(XFactor);
        config["y_factor"] = RangeConfig(YFactor);
    }

    private static (double, double) Symmetric(double factor, string key) => factor is >= 0 and <= 1 ? (-factor, factor)
        : throw new ArgumentException($"RandomShear '{key}' must be a number in [0, 1] or a pair of them; found {factor}.");

    /// <summary>Keras's _set_factor_with_name for a pair: both in [0, 1], sorted. Keras writes a number f as the pair
    /// (−f, f), which its own check then refuses on loading; that symmetric pair is taken here as the number it came from.</summary>
    private static (double, double) Pair(double a, double b, string key, string layer)
    {
        (double lower, double upper) = a <= b ? (a, b) : (b, a);
        bool inUnit = lower >= 0 && upper <= 1;
        bool written = lower == -upper && upper is > 0 and <= 1;
        if (!(inUnit || written) || double.IsNaN(a) || double.IsNaN(b))
            throw new ArgumentException($"{layer} '{key}' must be a number in [0, 1] or a pair of them; found [{a}, {b}].");
        return (lower, upper);
    }

    private static (double, double) ReadFactor(Config config, string key)
    {
        if (!config.TryGet(key, out var value)) return (0, 0);
        // A number is symmetric already; a pair is sorted and checked.
        bool number = value is long or double;
        var (a, b) = KerasFactor.Read(value, "RandomShear", key, v => Symmetric(v, key), "a number in [0, 1] or a pair of them");
        return number ? (a, b) : Pair(a, b, key, "RandomShear");
    }

    public static RandomShear FromConfig(Config config)
    {
        var c = ReadCommon(config, "RandomShear");
        RefuseNull(config, "RandomShear", "x_factor", "y_factor");
        return new RandomShear(ReadFactor(config, "x_factor"), ReadFactor(config, "y_factor"), c.Interpolation, c.FillMode, c.FillValue,
            c.DataFormat, c.Seed, c.Name, c.InputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
