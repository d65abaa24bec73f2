using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's max and average pooling layers share (Keras's <c>BasePooling</c>): a window sliding over the
/// spatial axes of channels-last or channels-first inputs (<see cref="DataFormat"/>), strides defaulting to the pool size, "valid" or "same" padding.
/// 1-D pooling is computed as 2-D pooling of height 1, 2-D pooling as 3-D pooling of depth 1.
/// </summary>
public abstract class BasePooling : Layer
{
    private readonly int rank;
    private readonly bool max;
    private ConvGeometry? geometry;
    private readonly ImageLayout layout;

    private protected BasePooling(int rank, bool max, Size3D poolSize, Size3D? strides, string padding, string? dataFormat,
        int[]? inputShape, string? name) : base(name, inputShape)
    {
        (this.rank, this.max) = (rank, max);
        string what = $"{ClassName} '{Name}'";
        layout = ImageLayout.Parse(what, dataFormat);
        Window = poolSize.CheckPositive(what, "pool_size");
        StrideSize = (strides ?? poolSize).CheckPositive(what, "strides");
        PaddingMode = ConvOptions.ParsePadding(what, padding, allowCausal: false);
    }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    /// <summary>"valid" or "same".</summary>
    public string Padding => ConvOptions.PaddingName(PaddingMode);

    private protected Size3D Window { get; }

    private protected Size3D StrideSize { get; }

    private protected ConvPadding PaddingMode { get; }

    internal int Rank => rank;

    /// <summary>Max pooling (true) or average pooling.</summary>
    internal bool IsMax => max;

    /// <summary>The built geometry (explicit paddings included), for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry
        ?? (IsBuilt ? throw ConvOptions.NoFixedGeometry(this) : throw new InvalidOperationException($"Layer '{Name}' is not built yet."));

    /// <summary>The spatial axes may be unknown: the windows come with each call's data.</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => layout.IsSpatial(axis, rank);

    private ConvGeometry Geometry(int[] inputShape) =>
        ConvOptions.Geometry(this, rank, inputShape, Window, StrideSize, 1, PaddingMode);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape, layout);
        return layout.OutputShape(inputShape, channelsLast => ConvOptions.OutputShapeWithUnknownAxes(channelsLast, rank, Window, 1,
            shape => [.. Geometry(shape).OutSpatial(rank), shape[^1]]));
    }

    protected override void BuildWeights(int[] inputShape) =>
        geometry = Array.IndexOf(inputShape, UnknownDimension) < 0 ? Geometry(layout.ToLast(inputShape)) : null;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, x =>
        {
            var g = geometry ?? Geometry(x.Shape[1..]);
            return Op.Record(max ? new MaxPoolOp(x, g) : new AveragePoolOp(x, g));
        });
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["pool_size"] = ConvOptions.ToList(Window.Last(rank));
        config["padding"] = Padding;
        config["strides"] = ConvOptions.ToList(StrideSize.Last(rank));
        config["data_format"] = DataFormat;
        return config;
    }

    /// <summary>The constructor arguments of a Keras pooling config (Keras 3, Keras 2 and TensorFlow.js forms).</summary>
    private protected static (string? Name, int[]? InputShape, Size3D Pool, Size3D? Strides, string Padding, string? DataFormat)
        ReadArgs(Config config, int rank, string className)
    {
        var (name, inputShape) = BaseArgs(config);
        string what = $"{className} '{name ?? "?"}'";
        // strides stays nullable: Keras reads a None stride as the pool size.
        config.RefuseNull(what, "pool_size", "padding");
        int[] pool = ConvOptions.ReadSize(config, "pool_size", rank, what, Enumerable.Repeat(2, rank).ToArray())!;
        int[]? strides = ConvOptions.ReadSize(config, "strides", rank, what);
        return (name, inputShape, Size3D.FromLast(pool), strides is null ? null : Size3D.FromLast(strides),
            config.GetString("padding", "valid")!, config.GetString("data_format", null));
    }
}
