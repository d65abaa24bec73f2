using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomRotation</c>: in training, rotates each image about its centre by a random angle of
/// <c>factor</c> × 2π (a number f: between −f and f; a pair: between its bounds; positive is counter-clockwise), with
/// Keras's map (keras/src/layers/preprocessing/image_preprocessing/random_rotation.py): the output point (x, y) reads
/// (cos·x − sin·y + x_offset, sin·x + cos·y + y_offset), the offsets keeping the centre ((width − 1)/2, (height − 1)/2)
/// in place. Defaults fill_mode "reflect", interpolation "bilinear", fill_value 0.
/// </summary>
public sealed class RandomRotation : RandomImageLayer
{
    public RandomRotation((double Lower, double Upper) factor, string fillMode = "reflect", string interpolation = "bilinear",
        int? seed = null, double fillValue = 0, string? dataFormat = null, string? name = null, int[]? inputShape = null)
        : base(fillMode, interpolation, fillValue, seed, dataFormat, name, inputShape)
    {
        Factor = Range(factor, "factor", ClassName);
    }

    /// <summary>A rotation between −<paramref name="factor"/> and <paramref name="factor"/> turns.</summary>
    public RandomRotation(double factor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null,
        double fillValue = 0, string? name = null, int[]? inputShape = null)
        : this((-Math.Abs(factor), Math.Abs(factor)), fillMode, interpolation, seed, fillValue, null, name, inputShape) { }

    public override string ClassName => "RandomRotation";

    /// <summary>The range of the angle, in turns (fractions of 2π).</summary>
    public (double Lower, double Upper) Factor { get; }

    protected override bool AddsNoNoise => Factor is (0, 0);

    public override void Draw(RandomGenerator rng, int height, int width, Span<float> transform)
    {
        double angle = rng.Uniform(Factor.Lower, Factor.Upper) * 2 * Math.PI;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double xOffset = (width - 1 - (cos * (width - 1) - sin * (height - 1))) / 2;
        double yOffset = (height - 1 - (sin * (width - 1) + cos * (height - 1))) / 2;
        (transform[0], transform[1], transform[2]) = ((float)cos, (float)-sin, (float)xOffset);
        (transform[3], transform[4], transform[5]) = ((float)sin, (float)cos, (float)yOffset);
    }

    private protected override void WriteFactors(Config config) => config["factor"] = RangeConfig(Factor);

    public static RandomRotation FromConfig(Config config)
    {
        var c = ReadCommon(config, "RandomRotation");
        // Keras 3.0-3.5 wrote value_range, which their call never reads (keras/src/layers/preprocessing/random_rotation.py).
        config.MarkWithoutEffect("value_range");
        config.TryGet("factor", out var factor);
        return new RandomRotation(Range(factor, "factor", "RandomRotation"), c.FillMode, c.Interpolation, c.Seed, c.FillValue, c.DataFormat, c.Name,
            c.InputShape)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
