using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's global pooling layers share: the mean or maximum over every spatial position of channels_last
/// inputs, one value per channel ([batch, channels]; with <c>keepdims</c>, the spatial axes stay with size 1).
/// </summary>
public abstract class BaseGlobalPooling : Layer
{
    private readonly int rank;
    private readonly bool max;

    private protected BaseGlobalPooling(int rank, bool max, bool keepdims, string? dataFormat, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        (this.rank, this.max) = (rank, max);
        ConvOptions.CheckDataFormat($"{ClassName} '{Name}'", dataFormat);
        Keepdims = keepdims;
    }

    /// <summary>Keep the pooled spatial axes with size 1 (Keras's <c>keepdims</c>, default false).</summary>
    public bool Keepdims { get; }

    internal int Rank => rank;

    /// <summary>Global max pooling (true) or global average pooling.</summary>
    internal bool IsMax => max;

    /// <summary>The pooled spatial axes may be unknown (a sequence's length).</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => axis < rank;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape);
        return Keepdims ? [.. Enumerable.Repeat(1, rank), inputShape[^1]] : [inputShape[^1]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        int[] axes = [.. Enumerable.Range(1, rank)];
        return max ? Tensor.Max(inputs, axes, Keepdims) : Tensor.Mean(inputs, axes, Keepdims);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = ConvOptions.ChannelsLast;
        config["keepdims"] = Keepdims;
        return config;
    }

    private protected static (string? Name, int[]? InputShape, bool Keepdims, string? DataFormat) ReadArgs(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return (name, inputShape, config.GetBool("keepdims", false), config.GetString("data_format", null));
    }
}
