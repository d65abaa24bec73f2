using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>Keras's <c>Activation</c> layer: applies an activation function to its input.</summary>
public sealed class Activation : Layer
{
    public Activation(string activation, int[]? inputShape = null, string? name = null)
        : this(ActivationFunction.Get(activation), inputShape, name) { }

    public Activation(ActivationFunction function, int[]? inputShape = null, string? name = null)
        : base(name, inputShape) => Function = function;

    public override string ClassName => "Activation";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public ActivationFunction Function { get; set; }

    /// <summary>Element-wise: any axis may be unknown.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Function.Apply(inputs);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["activation"] = ActivationFunction.Serialize(Function);
        return config;
    }

    public static Activation FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Activation(ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")), inputShape, name);
    }
}
