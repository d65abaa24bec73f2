using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomFlip</c>: in training, mirrors each image left to right ("horizontal"), top to bottom ("vertical") or
/// each independently ("horizontal_and_vertical", Keras's default), each with probability 1/2 per sample
/// (keras/src/layers/preprocessing/image_preprocessing/random_flip.py). A mirror moves whole pixels, so no value is
/// interpolated.
/// </summary>
public sealed class RandomFlip : RandomImageLayer
{
    private static readonly string[] Modes = ["horizontal", "vertical", "horizontal_and_vertical"];

    public RandomFlip(string mode = "horizontal_and_vertical", int? seed = null, string? dataFormat = null, string? name = null,
        int[]? inputShape = null) : base("nearest", "nearest", 0, seed, dataFormat, name, inputShape)
    {
        if (!Modes.Contains(mode))
            throw new ArgumentException($"RandomFlip '{Name}': 'mode' must be one of {string.Join(", ", Modes)}; found '{mode}'.", nameof(mode));
        Mode = mode;
    }

    public override string ClassName => "RandomFlip";

    public string Mode { get; }

    protected override bool AddsNoNoise => false;

    public override void Draw(RandomGenerator rng, int height, int width, Span<float> transform)
    {
        bool horizontal = Mode != "vertical" && rng.NextDouble() < 0.5;
        bool vertical = Mode != "horizontal" && rng.NextDouble() < 0.5;
        (transform[0], transform[1], transform[2]) = horizontal ? (-1f, 0f, width - 1f) : (1f, 0f, 0f);
        (transform[3], transform[4], transform[5]) = vertical ? (0f, -1f, height - 1f) : (0f, 1f, 0f);
    }

    /// <summary>Keras's flip config has its mode and seed only.</summary>
    protected override void WriteSettings(Config config)
    {
        config["mode"] = Mode;
        config["data_format"] = DataFormat;
    }

    private protected override void WriteFactors(Config config) { }

    public static RandomFlip FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        // Keras's None mode matches neither direction, so that layer never flips; Nabla's needs a direction.
        RefuseNull(config, "RandomFlip", "mode");
        return new RandomFlip(config.GetString("mode", "horizontal_and_vertical")!, ReadSeed(config), config.GetString("data_format", null), name,
            inputShape)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
