using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Flatten</c>: [batch, d1, d2, ...] becomes [batch, d1·d2·...]. With <c>data_format</c> "channels_first"
/// (keras/src/layers/reshaping/flatten.py) an input of rank 3 or more is read as [batch, channels, d2, ...] and its
/// channels move last before flattening, so that the features come in the order a channels-last model has them.
/// </summary>
public sealed class Flatten : Layer
{
    public Flatten(int[]? inputShape = null, string? name = null, string? dataFormat = null) : base(name, inputShape)
    {
        DataFormat = dataFormat ?? ConvOptions.ChannelsLast;
        if (DataFormat is not (ConvOptions.ChannelsLast or "channels_first"))
            throw new ArgumentException($"Flatten '{Name}': 'data_format' must be \"channels_last\" or \"channels_first\", found " +
                $"{Config.Describe(dataFormat)}.", nameof(dataFormat));
    }

    public override string ClassName => "Flatten";

    /// <summary>"channels_last" (Keras's default) or "channels_first".</summary>
    public string DataFormat { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        long features = Tensor.ElementCount(inputShape);
        if (features > Array.MaxLength)
            throw new ArgumentException(
                $"Layer '{Name}' would flatten {Describe(inputShape)} into {features} features; a tensor row holds at most {Array.MaxLength}.");
        return [(int)features];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (DataFormat != ConvOptions.ChannelsLast && inputs.Rank > 2) inputs = Tensor.Transpose(inputs, ChannelsLastOrder(inputs.Rank));
        return Tensor.Reshape(inputs, [inputs.Shape[0], .. OutputShape!]);
    }

    /// <summary>(0, 2, ..., rank − 1, 1): channels first to channels last.</summary>
    internal static int[] ChannelsLastOrder(int rank) => [0, .. Enumerable.Range(2, rank - 2), 1];

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = DataFormat;
        return config;
    }

    public static Flatten FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Flatten(inputShape, name, config.GetString("data_format", null));
    }
}
