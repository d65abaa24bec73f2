using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's global pooling layers share: the mean or maximum over every spatial position of channels-last or
/// channels-first inputs (<see cref="DataFormat"/>), one value per channel ([batch, channels]; with <c>keepdims</c>,
/// the spatial axes stay with size 1, where the layout has them).
/// </summary>
public abstract class BaseGlobalPooling : Layer
{
    private readonly int rank;
    private readonly bool max;
    private readonly ImageLayout layout;

    private protected BaseGlobalPooling(int rank, bool max, bool keepdims, string? dataFormat, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        (this.rank, this.max) = (rank, max);
        layout = ImageLayout.Parse($"{ClassName} '{Name}'", dataFormat);
        Keepdims = keepdims;
    }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    /// <summary>Keep the pooled spatial axes with size 1 (Keras's <c>keepdims</c>, default false).</summary>
    public bool Keepdims { get; }

    internal int Rank => rank;

    /// <summary>Global max pooling (true) or global average pooling.</summary>
    internal bool IsMax => max;

    /// <summary>The pooled spatial axes may be unknown (a sequence's length).</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => layout.IsSpatial(axis, rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape, layout);
        int channels = inputShape[layout.ChannelAxis(inputShape.Length)];
        return Keepdims ? layout.FromLast([.. Enumerable.Repeat(1, rank), channels]) : [channels];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        // The spatial axes, counted with the batch axis as 0: 1..rank channels-last, 2..rank + 1 channels-first.
        int[] axes = [.. Enumerable.Range(layout.ChannelsFirst ? 2 : 1, rank)];
        return max ? Tensor.Max(inputs, axes, Keepdims) : Tensor.Mean(inputs, axes, Keepdims);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = DataFormat;
        config["keepdims"] = Keepdims;
        return config;
    }

    private protected static (string? Name, int[]? InputShape, bool Keepdims, string? DataFormat) ReadArgs(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return (name, inputShape, config.GetBool("keepdims", false), config.GetString("data_format", null));
    }
}
