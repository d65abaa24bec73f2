using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Cropping3D</c>: drops cells before and after each spatial axis of volumes
/// [batch, depth, height, width, channels], or channels first (<see cref="DataFormat"/>; default one on every side).</summary>
public sealed class Cropping3D : Layer
{
    private readonly ImageLayout layout;

    public Cropping3D(Padding3D? cropping = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        var c = cropping ?? 1;
        if (c.AnyNegative) throw new ArgumentException($"Cropping3D '{Name}': 'cropping' must be non-negative, found {c}.", nameof(cropping));
        layout = ImageLayout.Parse($"Cropping3D '{Name}'", dataFormat);
        Cropping = c;
    }

    public override string ClassName => "Cropping3D";

    public Padding3D Cropping { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 3, inputShape, layout);
        return layout.OutputShape(inputShape, ChannelsLastShape);
    }

    private int[] ChannelsLastShape(int[] inputShape)
    {
        int depth = inputShape[0] - Cropping.Front - Cropping.Back, height = inputShape[1] - Cropping.Top - Cropping.Bottom,
            width = inputShape[2] - Cropping.Left - Cropping.Right;
        if (depth <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException(
                $"Layer '{Name}' (Cropping3D): cropping {Cropping} leaves nothing of a {inputShape[0]}x{inputShape[1]}x{inputShape[2]} volume.");
        return [depth, height, width, inputShape[3]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs,
            x => Tensor.Slice(x, [0, Cropping.Front, Cropping.Top, Cropping.Left, 0], [x.Shape[0], .. layout.ToLast(OutputShape!)]));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = Cropping.ToConfig();
        config["data_format"] = DataFormat;
        return config;
    }

    public static Cropping3D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Cropping3D(Padding3D.Read(config, "cropping", 1, $"Cropping3D '{name ?? "?"}'"), config.GetString("data_format", null),
            inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
