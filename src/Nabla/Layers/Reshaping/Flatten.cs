using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Flatten</c>: [batch, d1, d2, ...] becomes [batch, d1·d2·...]. With <c>data_format</c> "channels_first"
/// (keras/src/layers/reshaping/flatten.py) an input of rank 3 or more is read as [batch, channels, d2, ...] and its
/// channels move last before flattening, so that the features come in the order a channels-last model has them.
/// </summary>
public sealed class Flatten : Layer
{
    private readonly ImageLayout layout;

    public Flatten(int[]? inputShape = null, string? name = null, string? dataFormat = null) : base(name, inputShape) =>
        layout = ImageLayout.Parse($"Flatten '{Name}'", dataFormat);

    public override string ClassName => "Flatten";

    /// <summary>"channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

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
        inputs = layout.ToLast(inputs);
        return Tensor.Reshape(inputs, [inputs.Shape[0], .. OutputShape!]);
    }

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
