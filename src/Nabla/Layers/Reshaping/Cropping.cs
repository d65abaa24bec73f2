using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Cropping1D</c>: drops steps at the start and the end of [batch, steps, features] sequences
/// (default one at each end).</summary>
public sealed class Cropping1D : Layer
{
    public Cropping1D(Sides1D? cropping = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var c = cropping ?? 1;
        if (c.Start < 0 || c.End < 0)
            throw new ArgumentException($"Cropping1D '{Name}': 'cropping' must be non-negative, found {c}.", nameof(cropping));
        Cropping = c;
    }

    public override string ClassName => "Cropping1D";

    public Sides1D Cropping { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 2)
            throw new ArgumentException($"Layer '{Name}' (Cropping1D) needs inputs [batch, steps, features], found per-sample shape {Describe(inputShape)}.");
        int steps = inputShape[0] - Cropping.Start - Cropping.End;
        if (steps <= 0)
            throw new ArgumentException($"Layer '{Name}' (Cropping1D): cropping {Cropping} leaves no step of {inputShape[0]}.");
        return [steps, inputShape[1]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Tensor.Slice(inputs, [0, Cropping.Start, 0], [inputs.Shape[0], .. OutputShape!]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = ConvOptions.ToList(Cropping.Start, Cropping.End);
        return config;
    }

    public static Cropping1D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Cropping1D(Sides1D.Read(config, "cropping", 1, $"Cropping1D '{name ?? "?"}'"), inputShape, name);
    }
}

/// <summary>Keras's <c>Cropping2D</c>: drops rows at the top and bottom and columns at the left and right of
/// images, channels last or first (<see cref="DataFormat"/>; default none).</summary>
public sealed class Cropping2D : Layer
{
    private readonly ImageLayout layout;

    public Cropping2D(Padding2D? cropping = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        var c = cropping ?? 0;
        if (c.Top < 0 || c.Bottom < 0 || c.Left < 0 || c.Right < 0)
            throw new ArgumentException($"Cropping2D '{Name}': 'cropping' must be non-negative, found {c}.", nameof(cropping));
        layout = ImageLayout.Parse($"Cropping2D '{Name}'", dataFormat);
        Cropping = c;
    }

    public override string ClassName => "Cropping2D";

    public Padding2D Cropping { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 2, inputShape, layout);
        return layout.OutputShape(inputShape, ChannelsLastShape);
    }

    private int[] ChannelsLastShape(int[] inputShape)
    {
        int height = inputShape[0] - Cropping.Top - Cropping.Bottom, width = inputShape[1] - Cropping.Left - Cropping.Right;
        if (height <= 0 || width <= 0)
            throw new ArgumentException(
                $"Layer '{Name}' (Cropping2D): cropping {Cropping} leaves nothing of a {inputShape[0]}x{inputShape[1]} image.");
        return [height, width, inputShape[2]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, x => Tensor.Slice(x, [0, Cropping.Top, Cropping.Left, 0], [x.Shape[0], .. layout.ToLast(OutputShape!)]));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = new List<object?>
        {
            ConvOptions.ToList(Cropping.Top, Cropping.Bottom), ConvOptions.ToList(Cropping.Left, Cropping.Right),
        };
        config["data_format"] = DataFormat;
        return config;
    }

    public static Cropping2D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Cropping2D(Padding2D.Read(config, "cropping", 0, $"Cropping2D '{name ?? "?"}'"), config.GetString("data_format", null),
            inputShape, name);
    }
}
