using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomGrayscale</c> (Keras 3.6+, keras/src/layers/preprocessing/image_preprocessing/random_grayscale.py):
/// in training, each RGB image [height, width, 3] becomes, with probability <c>factor</c> (Keras's default 0.5), its
/// luma 0.2989·R + 0.5870·G + 0.1140·B in all three channels; the others pass unchanged. The identity in inference, as
/// the current Keras source (its transform_images returns the images when not training); the first version of the file
/// (keras-team/keras at 5d24952) read no <c>training</c> and converted at random in predict too. Keras's get_config
/// writes <c>factor</c> only, even where its constructor takes a seed; a Nabla seed is written as <c>seed</c> only when
/// given.
/// </summary>
public sealed class RandomGrayscale : TrainingNoiseLayer
{
    public RandomGrayscale(double factor = 0.5, int? seed = null, string? dataFormat = null, string? name = null, int[]? inputShape = null)
        : base(seed, inputShape, name)
    {
        layout = ImageLayout.Parse($"RandomGrayscale '{Name}'", dataFormat);
        if (!(factor >= 0 && factor <= 1))
            throw new ArgumentException($"RandomGrayscale '{Name}': 'factor' must be between 0 and 1; found {factor}.", nameof(factor));
        Factor = factor;
    }

    public override string ClassName => "RandomGrayscale";

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    private protected override ImageLayout Layout => layout;

    /// <summary>The probability that an image is converted.</summary>
    public double Factor { get; }

    protected override bool AddsNoNoise => Factor == 0;

    public override int[] ComputeOutputShape(int[] inputShape) =>
        RandomImageLayer.ImagesOnly(this, inputShape, layout)[layout.ChannelAxis(3)] is 3 or UnknownDimension ? inputShape
            : throw new ArgumentException($"Layer '{Name}' (RandomGrayscale) needs RGB images {(layout.ChannelsFirst ? "(None, 3, height, width)" : "(None, height, width, 3)")} " +
                $"but receives {Describe(inputShape)}.");

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) => new RandomGrayscaleOp(inputs, (float)Factor, generator);

    protected override void WriteSettings(Config config) => config["factor"] = Factor;

    /// <summary>Keras's keys (name, trainable, dtype, factor); <c>seed</c> only when set, as the first Keras version's
    /// constructor refuses one.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        if (Seed is null) config.Remove("seed");
        // Keras's get_config leaves data_format out (the layer's argument); written where leaving it out could change it.
        layout.WriteUnlessKerasDefault(config);
        return config;
    }

    public static RandomGrayscale FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "RandomGrayscale", "factor");
        return new RandomGrayscale(config.GetDouble("factor", 0.5), ReadSeed(config), config.GetString("data_format", null), name, inputShape)
            { Trainable = config.GetBool("trainable", true) };
    }
}
