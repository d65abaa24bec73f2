using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>ZeroPadding2D</c>: adds rows of zeros above and below and columns left and right of
/// images, channels last or first (<see cref="DataFormat"/>). <c>padding</c> is one int, (rows, columns), or ((top, bottom), (left, right)); default 1.</summary>
public sealed class ZeroPadding2D : Layer
{
    private readonly ImageLayout layout;

    public ZeroPadding2D(Padding2D? padding = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        var p = padding ?? 1;
        if (p.Top < 0 || p.Bottom < 0 || p.Left < 0 || p.Right < 0)
            throw new ArgumentException($"ZeroPadding2D '{Name}': 'padding' must be non-negative, found {p}.", nameof(padding));
        layout = ImageLayout.Parse($"ZeroPadding2D '{Name}'", dataFormat);
        Padding = p;
    }

    public override string ClassName => "ZeroPadding2D";

    public Padding2D Padding { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 2, inputShape, layout);
        return layout.OutputShape(inputShape,
            shape => [Padded(shape[0], Padding.Top + Padding.Bottom), Padded(shape[1], Padding.Left + Padding.Right), shape[2]]);
    }

    /// <summary>An unknown height or width (Keras's None) stays unknown once padded.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => layout.IsSpatial(axis, 2);

    private static int Padded(int length, int added) => length == UnknownDimension ? UnknownDimension : length + added;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, x => Op.Record(new ZeroPaddingOp(x, Padding.Top, Padding.Bottom, Padding.Left, Padding.Right)));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = new List<object?>
        {
            ConvOptions.ToList(Padding.Top, Padding.Bottom), ConvOptions.ToList(Padding.Left, Padding.Right),
        };
        config["data_format"] = DataFormat;
        return config;
    }

    public static ZeroPadding2D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new ZeroPadding2D(Padding2D.Read(config, "padding", 1, $"ZeroPadding2D '{name ?? "?"}'"), config.GetString("data_format", null), inputShape, name)
        { Trainable = config.GetBool("trainable", true) };
    }
}
