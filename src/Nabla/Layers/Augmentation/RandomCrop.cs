using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RandomCrop</c>: in training, a height × width window of the images at one random corner per batch
/// (<see cref="RandomCropOp"/>); in inference, and in training when an image is smaller than the window on either axis,
/// Keras's smart_resize (the largest central window of the target's aspect ratio, resized bilinearly). This is Keras
/// 3.0–3.5 (keras/src/layers/preprocessing/random_crop.py, keras/layers/ in 3.0) and tf.keras 2
/// (tf_keras/layers/preprocessing/image_preprocessing.py), and what Keras 3.6+'s docstring still says. Keras 3.6+
/// (image_preprocessing/random_crop.py) differs: it passes images through unchanged in inference (keras-team/keras
/// issue 21868, the output then not of the declared shape), and crops at random only when the image is larger on both
/// axes.
/// </summary>
public sealed class RandomCrop : TrainingNoiseLayer
{
    public RandomCrop(int height, int width, int? seed = null, string? dataFormat = null, string? name = null, int[]? inputShape = null)
        : base(seed, inputShape, name)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"RandomCrop '{Name}': 'height' and 'width' must be positive; found {height} and {width}.");
        layout = ImageLayout.Parse($"RandomCrop '{Name}'", dataFormat);
        (Height, Width) = (height, width);
    }

    public override string ClassName => "RandomCrop";

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    private protected override ImageLayout Layout => layout;

    public int Height { get; }

    public int Width { get; }

    /// <summary>Keras's RandomCrop sets supports_masking False: a crop changes the image, not timesteps.</summary>
    public override bool SupportsMasking => false;

    protected override bool AddsNoNoise => false;

    private protected override bool MayBeUnknown(int axis, int rank) => layout.IsSpatial(axis, 2);

    public override int[] ComputeOutputShape(int[] inputShape) =>
        layout.FromLast([Height, Width, layout.ToLast(RandomImageLayer.ImagesOnly(this, inputShape, layout))[2]]);

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        int[] image = layout.ToLast(inputs.Shape[1..]);
        int height = image[0], width = image[1];
        return training && height >= Height && width >= Width ? base.Call(inputs, training)
            : layout.Call(inputs, x => WindowFor(height, width).Cut(x, Height, Width));
    }

    /// <summary>The window smart_resize cuts from an image of this size (then resized to height × width if it differs).</summary>
    internal ImageWindow WindowFor(int height, int width) => ImageWindow.AspectRatio(height, width, Height, Width);

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) => new RandomCropOp(inputs, Height, Width, generator);

    protected override void WriteSettings(Config config)
    {
        config["height"] = (long)Height;
        config["width"] = (long)Width;
        config["data_format"] = layout.Name;
    }

    public static RandomCrop FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new RandomCrop(config.GetInt("height"), config.GetInt("width"), ReadSeed(config), config.GetString("data_format", null), name, inputShape)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
