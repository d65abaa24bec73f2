using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Identity</c> layer: returns its input unchanged, mask included (a placeholder in a model).</summary>
public sealed class Identity(int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    public override string ClassName => "Identity";

    public override bool SupportsMasking => true;

    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return inputs;
    }

    public static Identity FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Identity(inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
