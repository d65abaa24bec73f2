using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Resizing</c>: resizes images [batch, h, w, channels] to [batch, height, width, channels] with half-pixel
/// centres and no antialiasing (keras/src/layers/preprocessing/image_preprocessing/resizing.py, Keras's default
/// interpolation "bilinear"; "nearest" too). With crop_to_aspect_ratio it first cuts the largest central window of the
/// target's aspect ratio, as Keras's image resize does (<see cref="ImageWindow.AspectRatio"/>); with pad_to_aspect_ratio
/// it first pads the image with fill_value to that ratio. Keras's other interpolations (bicubic, area, lanczos…) are
/// refused by name rather than resized otherwise.
/// The input's size may be unknown (None): the weights of each read come with the call's data.
/// </summary>
public sealed class Resizing : Layer
{
    private static readonly string[] Interpolations = ["bilinear", "nearest"];

    public Resizing(int height, int width, string interpolation = "bilinear", string? dataFormat = null, int[]? inputShape = null,
        string? name = null, bool cropToAspectRatio = false, bool padToAspectRatio = false, float fillValue = 0)
        : base(name, inputShape)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"Resizing '{Name}': 'height' and 'width' must be positive; found {height} and {width}.");
        if (!Interpolations.Contains(interpolation))
            throw new ArgumentException(
                $"Resizing '{Name}': 'interpolation' '{interpolation}' is not supported; supported: {string.Join(", ", Interpolations)}.", nameof(interpolation));
        layout = ImageLayout.Parse($"Resizing '{Name}'", dataFormat);
        if (cropToAspectRatio && padToAspectRatio)
            throw new ArgumentException($"Resizing '{Name}': crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be true.");
        (Height, Width, Interpolation, CropToAspectRatio) = (height, width, interpolation, cropToAspectRatio);
        (PadToAspectRatio, FillValue) = (padToAspectRatio, fillValue);
    }

    public override string ClassName => "Resizing";

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public int Height { get; }

    public int Width { get; }

    /// <summary>"bilinear" (Keras's default) or "nearest".</summary>
    public string Interpolation { get; }

    /// <summary>Keras's <c>crop_to_aspect_ratio</c> (default false): resize the largest central window of the target's
    /// aspect ratio rather than the whole image, so that nothing is stretched.</summary>
    public bool CropToAspectRatio { get; }

    /// <summary>Keras's <c>pad_to_aspect_ratio</c> (default false): pad the image with <see cref="FillValue"/> to the
    /// target's aspect ratio before resizing, so that nothing is stretched or cut.</summary>
    public bool PadToAspectRatio { get; }

    /// <summary>Keras's <c>fill_value</c> (default 0): the padding's value with <see cref="PadToAspectRatio"/>.</summary>
    public float FillValue { get; }

    /// <summary>The rows and columns added on each side of an image of this size by <see cref="PadToAspectRatio"/>, as
    /// keras/src/backend/tensorflow/image.py pads: the padded side int(other side × target ratio) when larger, and
    /// int(difference / 2) on each side (so an odd difference pads one less in all).</summary>
    internal (int Rows, int Columns) PaddingFor(int height, int width)
    {
        int padHeight = Math.Max(height, (int)((float)(width * Height) / Width));
        int padWidth = Math.Max(width, (int)((float)(height * Width) / Height));
        return ((padHeight - height) / 2, (padWidth - width) / 2);
    }

    /// <summary>The window an image of this size is resized from: all of it, or the aspect-ratio window.</summary>
    internal ImageWindow WindowFor(int height, int width) =>
        CropToAspectRatio ? ImageWindow.AspectRatio(height, width, Height, Width) : new(0, 0, height, width);

    private protected override bool MayBeUnknown(int axis, int rank) => layout.IsSpatial(axis, 2);

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape.Length == 3 ? layout.OutputShape(inputShape, s => [Height, Width, s[2]])
        : throw new ArgumentException($"Layer '{Name}' (Resizing) needs images {layout.Describe(2)} but receives {Describe(inputShape)}.");

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, ChannelsLastCall);
    }

    private Tensor ChannelsLastCall(Tensor inputs)
    {
        bool bilinear = Interpolation == "bilinear";
        if (CropToAspectRatio) return WindowFor(inputs.Shape[1], inputs.Shape[2]).Cut(inputs, Height, Width, bilinear);
        if (PadToAspectRatio) inputs = Padded(inputs);
        return Op.Record(new ResizeOp(inputs, Height, Width, bilinear));
    }

    private Tensor Padded(Tensor images)
    {
        var (rows, columns) = PaddingFor(images.Shape[1], images.Shape[2]);
        if (rows > 0) images = Tensor.Concat([Border(images, 1, rows), images, Border(images, 1, rows)], axis: 1);
        if (columns > 0) images = Tensor.Concat([Border(images, 2, columns), images, Border(images, 2, columns)], axis: 2);
        return images;
    }

    /// <summary>A band of <see cref="FillValue"/> as wide as <paramref name="images"/> but <paramref name="size"/> long on <paramref name="axis"/>.</summary>
    private Tensor Border(Tensor images, int axis, int size)
    {
        int[] shape = [.. images.Shape];
        shape[axis] = size;
        return Tensor.Full(FillValue, shape);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["height"] = (long)Height;
        config["width"] = (long)Width;
        config["interpolation"] = Interpolation;
        config["crop_to_aspect_ratio"] = CropToAspectRatio;
        config["pad_to_aspect_ratio"] = PadToAspectRatio;
        config["fill_mode"] = "constant";
        config["fill_value"] = (double)FillValue;
        config["data_format"] = layout.Name;
        return config;
    }

    public static Resizing FromConfig(Config config)
    {
        // Keras 3's antialias widens the filter when downsampling.
        if (config.GetBool("antialias", false))
            throw new ArgumentException("Resizing config 'antialias' is true; Nabla does not implement antialiased resizing, only false is supported.");
        // Every backend's resize (keras/src/backend/*/image.py) pads with a constant only.
        if (config.GetString("fill_mode", "constant") is var fillMode && fillMode != "constant")
            throw new ArgumentException($"Resizing config 'fill_mode' is '{fillMode}'; only 'constant' is supported.");
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "Resizing", "interpolation");
        return new Resizing(config.GetInt("height"), config.GetInt("width"), config.GetString("interpolation", "bilinear")!,
            config.GetString("data_format", null), inputShape, name, config.GetBool("crop_to_aspect_ratio", false),
            config.GetBool("pad_to_aspect_ratio", false), (float)config.GetDouble("fill_value", 0))
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}

/// <summary>
/// Keras's <c>CenterCrop</c>: the central height × width window of each image, starting at ((h − height) // 2,
/// (w − width) // 2) as keras/src/layers/preprocessing/image_preprocessing/center_crop.py places it; an image smaller
/// than the window on either axis goes through Keras's smart_resize there (<see cref="ImageWindow.AspectRatio"/>, then resized bilinearly).
/// The input's size may be unknown (None).
/// </summary>
public sealed class CenterCrop : Layer
{
    public CenterCrop(int height, int width, string? dataFormat = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"CenterCrop '{Name}': 'height' and 'width' must be positive; found {height} and {width}.");
        layout = ImageLayout.Parse($"CenterCrop '{Name}'", dataFormat);
        (Height, Width) = (height, width);
    }

    public override string ClassName => "CenterCrop";

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private readonly ImageLayout layout;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public int Height { get; }

    public int Width { get; }

    private protected override bool MayBeUnknown(int axis, int rank) => layout.IsSpatial(axis, 2);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3)
            throw new ArgumentException($"Layer '{Name}' (CenterCrop) needs images {layout.Describe(2)} but receives {Describe(inputShape)}.");
        return layout.OutputShape(inputShape, s => [Height, Width, s[2]]);
    }

    /// <summary>The window an image of this size is cut to (then resized to height × width if it differs).</summary>
    internal ImageWindow WindowFor(int height, int width) => height >= Height && width >= Width
        ? ImageWindow.Central(height, width, Height, Width) : ImageWindow.AspectRatio(height, width, Height, Width);

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, x => WindowFor(x.Shape[1], x.Shape[2]).Cut(x, Height, Width));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["height"] = (long)Height;
        config["width"] = (long)Width;
        config["data_format"] = layout.Name;
        return config;
    }

    public static CenterCrop FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new CenterCrop(config.GetInt("height"), config.GetInt("width"), config.GetString("data_format", null), inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
