using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomContrast</c>: in training, scales each image's deviation from its per-channel mean by a factor drawn
/// in [1 − lower, 1 + upper] (<c>factor</c> a number f: lower = upper = f; or the pair), then clips to
/// <c>value_range</c>, Keras 3's default (0, 255) (keras/src/layers/preprocessing/image_preprocessing/random_contrast.py).
/// The identity in inference. The channels are where its base layer's <c>data_format</c> puts them, a constructor argument
/// Keras's get_config leaves out.
/// </summary>
public sealed class RandomContrast : RandomIntensityLayer
{
    public RandomContrast((double Lower, double Upper) factor, (double Low, double High)? valueRange = null, int? seed = null, string? name = null,
        int[]? inputShape = null, string? dataFormat = null) : base(factor, valueRange, seed, name, inputShape)
    {
        layout = ImageLayout.Parse($"RandomContrast '{Name}'", dataFormat);
        if (!(factor.Lower >= 0 && factor.Lower <= 1 && factor.Upper >= 0))
            throw new ArgumentException(
                $"RandomContrast '{Name}': 'factor' must give a lower bound in [0, 1] and an upper bound ≥ 0; found [{factor.Lower}, {factor.Upper}].",
                nameof(factor));
    }

    /// <summary>A contrast factor between 1 − <paramref name="factor"/> and 1 + <paramref name="factor"/>.</summary>
    public RandomContrast(double factor, int? seed = null, string? name = null, int[]? inputShape = null)
        : this((factor, factor), null, seed, name, inputShape) { }

    public override string ClassName => "RandomContrast";

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    // The per-channel means are taken over the spatial axes, so channels-first images are moved around the op.
    private protected override ImageLayout Layout => layout;

    public override int[] ComputeOutputShape(int[] inputShape) => RandomImageLayer.ImagesOnly(this, inputShape, layout);

    protected override void WriteSettings(Config config)
    {
        base.WriteSettings(config);
        layout.WriteUnlessKerasDefault(config);
    }

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new RandomContrastOp(inputs, (float)(1 - Factor.Lower), (float)(1 + Factor.Upper), (float)ValueRange.Low, (float)ValueRange.High, generator);

    public static RandomContrast FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new RandomContrast(ReadFactor(config, "RandomContrast", symmetric: false), ReadValueRange(config, "RandomContrast"), ReadSeed(config),
            name, inputShape, config.GetString("data_format", null)) { Trainable = config.GetBool("trainable", true) };
    }
}
