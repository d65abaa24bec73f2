using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomTranslation</c>: in training, shifts each image by a draw from <c>height_factor</c> × height rows and
/// <c>width_factor</c> × width columns (positive: down and right), filling the uncovered part by <c>fill_mode</c>
/// (keras/src/layers/preprocessing/image_preprocessing/random_translation.py: the output point (x, y) reads
/// (x − dx, y − dy)). Factors lie in [−1, 1].
/// </summary>
public sealed class RandomTranslation : RandomImageLayer
{
    public RandomTranslation((double Lower, double Upper) heightFactor, (double Lower, double Upper) widthFactor, string fillMode = "reflect",
        string interpolation = "bilinear", int? seed = null, double fillValue = 0, string? dataFormat = null, string? name = null,
        int[]? inputShape = null) : base(fillMode, interpolation, fillValue, seed, dataFormat, name, inputShape)
    {
        HeightFactor = Range(heightFactor, "height_factor", ClassName, min: -1, max: 1);
        WidthFactor = Range(widthFactor, "width_factor", ClassName, min: -1, max: 1);
    }

    /// <summary>Shifts between −factor and factor of the image's size on each axis.</summary>
    public RandomTranslation(double heightFactor, double widthFactor, string fillMode = "reflect", string interpolation = "bilinear",
        int? seed = null, string? name = null, int[]? inputShape = null)
        : this((-Math.Abs(heightFactor), Math.Abs(heightFactor)), (-Math.Abs(widthFactor), Math.Abs(widthFactor)), fillMode, interpolation,
            seed, 0, null, name, inputShape) { }

    public override string ClassName => "RandomTranslation";

    public (double Lower, double Upper) HeightFactor { get; }

    public (double Lower, double Upper) WidthFactor { get; }

    protected override bool AddsNoNoise => HeightFactor is (0, 0) && WidthFactor is (0, 0);

    public override void Draw(RandomGenerator rng, int height, int width, Span<float> transform)
    {
        double dy = rng.Uniform(HeightFactor.Lower, HeightFactor.Upper) * height;
        double dx = rng.Uniform(WidthFactor.Lower, WidthFactor.Upper) * width;
        (transform[0], transform[1], transform[2]) = (1f, 0f, (float)-dx);
        (transform[3], transform[4], transform[5]) = (0f, 1f, (float)-dy);
    }

    private protected override void WriteFactors(Config config)
    {
        config["height_factor"] = RangeConfig(HeightFactor);
        config["width_factor"] = RangeConfig(WidthFactor);
    }

    public static RandomTranslation FromConfig(Config config)
    {
        var c = ReadCommon(config, "RandomTranslation");
        config.TryGet("height_factor", out var height);
        config.TryGet("width_factor", out var width);
        return new RandomTranslation(Range(height, "height_factor", "RandomTranslation", min: -1, max: 1),
            Range(width, "width_factor", "RandomTranslation", min: -1, max: 1), c.FillMode, c.Interpolation, c.Seed, c.FillValue, c.DataFormat,
            c.Name, c.InputShape) { Trainable = config.GetBool("trainable", true) };
    }
}
