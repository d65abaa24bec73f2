using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>ZeroPadding3D</c>: adds zeros before and after each spatial axis of channels_last volumes
/// [batch, depth, height, width, channels]. <c>padding</c> is one int, (depth, height, width), or
/// ((front, back), (top, bottom), (left, right)); default 1 on every side.</summary>
public sealed class ZeroPadding3D : Layer
{
    public ZeroPadding3D(Padding3D? padding = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        var p = padding ?? 1;
        if (p.AnyNegative) throw new ArgumentException($"ZeroPadding3D '{Name}': 'padding' must be non-negative, found {p}.", nameof(padding));
        ConvOptions.CheckDataFormat($"ZeroPadding3D '{Name}'", dataFormat);
        Padding = p;
    }

    public override string ClassName => "ZeroPadding3D";

    public Padding3D Padding { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, 3, inputShape);
        return [inputShape[0] + Padding.Front + Padding.Back, inputShape[1] + Padding.Top + Padding.Bottom,
            inputShape[2] + Padding.Left + Padding.Right, inputShape[3]];
    }

    /// <summary>The 2-D zero padding twice: (height, width) with the depth slices as samples, then depth with each
    /// padded slice as one row.</summary>
    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var (batch, depth, channels) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[4]);
        var slices = Tensor.Reshape(inputs, batch * depth, inputs.Shape[2], inputs.Shape[3], channels);
        var planes = Op.Record(new ZeroPaddingOp(slices, Padding.Top, Padding.Bottom, Padding.Left, Padding.Right));
        int plane = planes.Size / (batch * depth);
        var volume = Op.Record(new ZeroPaddingOp(Tensor.Reshape(planes, batch, depth, plane, 1), Padding.Front, Padding.Back, 0, 0));
        return Tensor.Reshape(volume, [batch, .. OutputShape!]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = Padding.ToConfig();
        config["data_format"] = ConvOptions.ChannelsLast;
        return config;
    }

    public static ZeroPadding3D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new ZeroPadding3D(Padding3D.Read(config, "padding", 1, $"ZeroPadding3D '{name ?? "?"}'"), config.GetString("data_format", null),
            inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
