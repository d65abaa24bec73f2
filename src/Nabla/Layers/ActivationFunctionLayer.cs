using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>What the activation layers (<see cref="ReLU"/>, <see cref="LeakyReLU"/>, <see cref="Softmax"/>) share:
/// one activation function applied along the last axis, shape unchanged.</summary>
public abstract class ActivationFunctionLayer : Layer
{
    private protected ActivationFunctionLayer(ActivationFunction function, int[]? inputShape, string? name)
        : base(name, inputShape) => Function = function;

    /// <summary>The function this layer applies.</summary>
    public ActivationFunction Function { get; }

    /// <summary>Element-wise: any axis may be unknown.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Function.Apply(inputs);
    }
}
