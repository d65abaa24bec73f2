using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>ZeroPadding2D</c>: adds rows of zeros above and below and columns left and right of
/// channels_last images. <c>padding</c> is one int, (rows, columns), or ((top, bottom), (left, right)); default 1.</summary>
public sealed class ZeroPadding2D : Layer
{
    public ZeroPadding2D(Padding2D? padding = null, string? dataFormat = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        var p = padding ?? 1;
        if (p.Top < 0 || p.Bottom < 0 || p.Left < 0 || p.Right < 0)
            throw new ArgumentException($"ZeroPadding2D '{Name}': 'padding' must be non-negative, found {p}.", nameof(padding));
        ConvOptions.CheckDataFormat($"ZeroPadding2D '{Name}'", dataFormat);
        Padding = p;
    }

    public override string ClassName => "ZeroPadding2D";

    public Padding2D Padding { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3)
            throw new ArgumentException(
                $"Layer '{Name}' (ZeroPadding2D) needs inputs [batch, height, width, channels], found per-sample shape {Describe(inputShape)}.");
        return [Padded(inputShape[0], Padding.Top + Padding.Bottom), Padded(inputShape[1], Padding.Left + Padding.Right), inputShape[2]];
    }

    /// <summary>An unknown height or width (Keras's None) stays unknown once padded.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis < 2;

    private static int Padded(int length, int added) => length == UnknownDimension ? UnknownDimension : length + added;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new ZeroPaddingOp(inputs, Padding.Top, Padding.Bottom, Padding.Left, Padding.Right));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = new List<object?>
        {
            ConvOptions.ToList(Padding.Top, Padding.Bottom), ConvOptions.ToList(Padding.Left, Padding.Right),
        };
        config["data_format"] = ConvOptions.ChannelsLast;
        return config;
    }

    public static ZeroPadding2D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new ZeroPadding2D(Padding2D.Read(config, "padding", 1, $"ZeroPadding2D '{name ?? "?"}'"), config.GetString("data_format", null), inputShape, name)
        { Trainable = config.GetBool("trainable", true) };
    }
}
