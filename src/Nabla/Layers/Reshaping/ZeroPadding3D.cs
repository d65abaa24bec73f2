using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>ZeroPadding3D</c>: adds zeros before and after each spatial axis of volumes
/// [batch, depth, height, width, channels], or channels first (<see cref="DataFormat"/>). <c>padding</c> is one int, (depth, height, width), or
/// ((front, back), (top, bottom), (left, right)); default 1 on every side.</summary>
public sealed class ZeroPadding3D : Layer
{
    private readonly ImageLayout layout;

    public ZeroPadding3D(Padding3D? padding = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        var p = padding ?? 1;
        if (p.AnyNegative) throw new ArgumentException($"ZeroPadding3D '{Name}': 'padding' must be non-negative, found {p}.", nameof(padding));
        layout = ImageLayout.Parse($"ZeroPadding3D '{Name}'", dataFormat);
        Padding = p;
    }

    public override string ClassName => "ZeroPadding3D";

    public Padding3D Padding { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 3, inputShape, layout);
        return layout.OutputShape(inputShape, shape => [shape[0] + Padding.Front + Padding.Back, shape[1] + Padding.Top + Padding.Bottom,
            shape[2] + Padding.Left + Padding.Right, shape[3]]);
    }

    /// <summary>The 2-D zero padding twice: (height, width) with the depth slices as samples, then depth with each
    /// padded slice as one row.</summary>
    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, ChannelsLastCall);
    }

    private Tensor ChannelsLastCall(Tensor inputs)
    {
        var (batch, depth, channels) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[4]);
        var slices = Tensor.Reshape(inputs, batch * depth, inputs.Shape[2], inputs.Shape[3], channels);
        var planes = Op.Record(new ZeroPaddingOp(slices, Padding.Top, Padding.Bottom, Padding.Left, Padding.Right));
        int plane = planes.Size / (batch * depth);
        var volume = Op.Record(new ZeroPaddingOp(Tensor.Reshape(planes, batch, depth, plane, 1), Padding.Front, Padding.Back, 0, 0));
        return Tensor.Reshape(volume, [batch, .. layout.ToLast(OutputShape!)]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = Padding.ToConfig();
        config["data_format"] = DataFormat;
        return config;
    }

    public static ZeroPadding3D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new ZeroPadding3D(Padding3D.Read(config, "padding", 1, $"ZeroPadding3D '{name ?? "?"}'"), config.GetString("data_format", null),
            inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
