using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomZoom</c>: in training, scales each image about its centre, vertically by 1 + a draw from
/// <c>height_factor</c> and horizontally by 1 + a draw from <c>width_factor</c> (the vertical scale when none: the aspect
/// kept). A positive factor zooms out (the output reads a larger window), a negative one in. Keras's map
/// (keras/src/layers/preprocessing/image_preprocessing/random_zoom.py): the output point (x, y) reads
/// (zx·x + (width − 1)/2·(1 − zx), zy·y + (height − 1)/2·(1 − zy)). Factors lie in [−1, …].
/// </summary>
public sealed class RandomZoom : RandomImageLayer
{
    public RandomZoom((double Lower, double Upper) heightFactor, (double Lower, double Upper)? widthFactor = null, string fillMode = "reflect",
        string interpolation = "bilinear", int? seed = null, double fillValue = 0, string? dataFormat = null, string? name = null,
        int[]? inputShape = null) : base(fillMode, interpolation, fillValue, seed, dataFormat, name, inputShape)
    {
        HeightFactor = Range(heightFactor, "height_factor", ClassName, min: -1);
        WidthFactor = widthFactor is { } w ? Range(w, "width_factor", ClassName, min: -1) : null;
    }

    /// <summary>A zoom between −<paramref name="heightFactor"/> and <paramref name="heightFactor"/>, the aspect kept.</summary>
    public RandomZoom(double heightFactor, string fillMode = "reflect", string interpolation = "bilinear", int? seed = null, string? name = null,
        int[]? inputShape = null) : this((-Math.Abs(heightFactor), Math.Abs(heightFactor)), null, fillMode, interpolation, seed, 0, null, name, inputShape) { }

    public override string ClassName => "RandomZoom";

    public (double Lower, double Upper) HeightFactor { get; }

    /// <summary>Null: the width scales as the height.</summary>
    public (double Lower, double Upper)? WidthFactor { get; }

    protected override bool AddsNoNoise => HeightFactor is (0, 0) && WidthFactor is null or (0, 0);

    public override void Draw(RandomGenerator rng, int height, int width, Span<float> transform)
    {
        double zy = 1 + rng.Uniform(HeightFactor.Lower, HeightFactor.Upper);
        double zx = WidthFactor is { } w ? 1 + rng.Uniform(w.Lower, w.Upper) : zy;
        (transform[0], transform[1], transform[2]) = ((float)zx, 0f, (float)((width - 1) / 2.0 * (1 - zx)));
        (transform[3], transform[4], transform[5]) = (0f, (float)zy, (float)((height - 1) / 2.0 * (1 - zy)));
    }

    private protected override void WriteFactors(Config config)
    {
        config["height_factor"] = RangeConfig(HeightFactor);
        config["width_factor"] = WidthFactor is { } w ? RangeConfig(w) : null;
    }

    public static RandomZoom FromConfig(Config config)
    {
        var c = ReadCommon(config, "RandomZoom");
        config.TryGet("height_factor", out var height);
        (double, double)? width = config.TryGet("width_factor", out var w) ? Range(w, "width_factor", "RandomZoom", min: -1) : null;
        return new RandomZoom(Range(height, "height_factor", "RandomZoom", min: -1), width, c.FillMode, c.Interpolation, c.Seed, c.FillValue,
            c.DataFormat, c.Name, c.InputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
