using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>UpSampling1D</c>: repeats each step of [batch, steps, features] <c>size</c> times (default 2).</summary>
public sealed class UpSampling1D : Layer
{
    public UpSampling1D(int size = 2, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (size < 1) throw new ArgumentException($"UpSampling1D '{Name}': 'size' must be at least 1, found {size}.", nameof(size));
        Size = size;
    }

    public override string ClassName => "UpSampling1D";

    public int Size { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 2)
            throw new ArgumentException($"Layer '{Name}' (UpSampling1D) needs inputs [batch, steps, features], found per-sample shape {Describe(inputShape)}.");
        return [inputShape[0] * Size, inputShape[1]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var (batch, steps, features) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[2]);
        var repeated = Repeat.Along(Tensor.Reshape(inputs, batch, steps, 1, features), axis: 2, Size);
        return Tensor.Reshape(repeated, batch, steps * Size, features);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = (long)Size;
        return config;
    }

    public static UpSampling1D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "UpSampling1D", "size");
        return new UpSampling1D(config.GetInt("size", 2), inputShape, name);
    }
}

/// <summary>Keras's <c>UpSampling2D</c>: with its default nearest interpolation, repeats each row of images
/// (channels last or first, <see cref="DataFormat"/>) <c>size.Height</c> times and each column <c>size.Width</c> times (default 2 and 2); with "bilinear", interpolates
/// between neighbouring pixels with half-pixel centres, as TensorFlow's resize does (<see cref="Autograd.Ops.ResizeOp"/>).</summary>
public sealed class UpSampling2D : Layer
{
    private readonly ImageLayout layout;

    public UpSampling2D(Size2D? size = null, string? dataFormat = null, string interpolation = "nearest", int[]? inputShape = null,
        string? name = null) : base(name, inputShape)
    {
        var s = size ?? 2;
        if (s.Height < 1 || s.Width < 1)
            throw new ArgumentException($"UpSampling2D '{Name}': 'size' must be at least 1 on each axis, found {s}.", nameof(size));
        layout = ImageLayout.Parse($"UpSampling2D '{Name}'", dataFormat);
        if (interpolation is not ("nearest" or "bilinear"))
            throw new NotSupportedException(
                $"UpSampling2D '{Name}': 'interpolation' {Config.Describe(interpolation)} is not implemented; Nabla supports \"nearest\" (Keras's default) and \"bilinear\".");
        Size = s;
        Interpolation = interpolation;
    }

    public override string ClassName => "UpSampling2D";

    public Size2D Size { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    /// <summary>"nearest" or "bilinear".</summary>
    public string Interpolation { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 2, inputShape, layout);
        return layout.OutputShape(inputShape, shape => [shape[0] * Size.Height, shape[1] * Size.Width, shape[2]]);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, ChannelsLastCall);
    }

    private Tensor ChannelsLastCall(Tensor inputs)
    {
        if (Interpolation == "bilinear") return Op.Record(new ResizeOp(inputs, inputs.Shape[1] * Size.Height, inputs.Shape[2] * Size.Width));
        var (batch, height, width, channels) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[2], inputs.Shape[3]);
        var cells = Tensor.Reshape(inputs, batch, height, 1, width, 1, channels);
        var repeated = Repeat.Along(Repeat.Along(cells, axis: 2, Size.Height), axis: 4, Size.Width);
        return Tensor.Reshape(repeated, batch, height * Size.Height, width * Size.Width, channels);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = ConvOptions.ToList(Size.Height, Size.Width);
        config["data_format"] = DataFormat;
        config["interpolation"] = Interpolation;
        return config;
    }

    public static UpSampling2D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "UpSampling2D", "size", "interpolation");
        var size = config.TryGet("size", out var value) && value is List<object?> ? config.GetIntArray("size")! : [config.GetInt("size", 2)];
        if (size.Length is not (1 or 2))
            throw new ArgumentException($"UpSampling2D '{name ?? "?"}': 'size' must be an int or [rows, columns], found {Config.Describe(value)}.");
        return new UpSampling2D(size.Length == 1 ? size[0] : (size[0], size[1]), config.GetString("data_format", null),
            config.GetString("interpolation", "nearest")!, inputShape, name);
    }
}

/// <summary>Keras's <c>UpSampling3D</c>: repeats each slice, row and column of volumes
/// [batch, depth, height, width, channels] (or channels first, <see cref="DataFormat"/>) <c>size</c> times along its axis
/// (default 2, 2 and 2).</summary>
public sealed class UpSampling3D : Layer
{
    private readonly ImageLayout layout;

    public UpSampling3D(Size3D? size = null, string? dataFormat = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var s = size ?? 2;
        if (s.Depth < 1 || s.Height < 1 || s.Width < 1)
            throw new ArgumentException($"UpSampling3D '{Name}': 'size' must be at least 1 on each axis, found {s}.", nameof(size));
        layout = ImageLayout.Parse($"UpSampling3D '{Name}'", dataFormat);
        Size = s;
    }

    public override string ClassName => "UpSampling3D";

    public Size3D Size { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 3, inputShape, layout);
        return layout.OutputShape(inputShape, shape => [shape[0] * Size.Depth, shape[1] * Size.Height, shape[2] * Size.Width, shape[3]]);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, ChannelsLastCall);
    }

    private Tensor ChannelsLastCall(Tensor inputs)
    {
        var (batch, depth, height, width, channels) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[2], inputs.Shape[3], inputs.Shape[4]);
        // One axis at a time keeps every tensor at rank 6 or less.
        var slices = Repeat.Along(Tensor.Reshape(inputs, batch, depth, 1, height * width * channels), axis: 2, Size.Depth);
        var rows = Repeat.Along(Tensor.Reshape(slices, batch * depth * Size.Depth, height, 1, width * channels), axis: 2, Size.Height);
        var columns = Repeat.Along(Tensor.Reshape(rows, batch * depth * Size.Depth * height * Size.Height, width, 1, channels), axis: 2, Size.Width);
        return Tensor.Reshape(columns, [batch, .. layout.ToLast(OutputShape!)]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = ConvOptions.ToList(Size.Depth, Size.Height, Size.Width);
        config["data_format"] = DataFormat;
        return config;
    }

    public static UpSampling3D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "UpSampling3D", "size");
        string what = $"UpSampling3D '{name ?? "?"}'";
        var size = ConvOptions.ReadSize(config, "size", 3, what, [2, 2, 2])!;
        return new UpSampling3D(Size3D.FromLast(size), config.GetString("data_format", null), inputShape, name);
    }
}

/// <summary>Repeats a tensor along an axis of size 1 (the copies share one gradient, summed by the concatenation).</summary>
internal static class Repeat
{
    public static Tensor Along(Tensor x, int axis, int times) =>
        times == 1 ? x : Tensor.Concat(Enumerable.Repeat(x, times).ToArray(), axis);
}
