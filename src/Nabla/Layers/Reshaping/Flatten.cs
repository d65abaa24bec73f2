using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Flatten</c>: [batch, d1, d2, ...] becomes [batch, d1·d2·...].</summary>
public sealed class Flatten(int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    public override string ClassName => "Flatten";

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
        return Tensor.Reshape(inputs, [inputs.Shape[0], .. OutputShape!]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = "channels_last";
        return config;
    }

    public static Flatten FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Flatten(inputShape, name);
    }
}
