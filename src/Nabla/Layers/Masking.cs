using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Masking</c> (keras/src/layers/core/masking.py): a timestep whose features all equal <c>mask_value</c>
/// (default 0.0) is padding. The output is the input with those timesteps zeroed, and carries the mask
/// [batch, timesteps] for the layers that follow (recurrent layers skip masked steps, losses ignore them).
/// </summary>
public sealed class Masking(double maskValue = 0.0, int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    public override string ClassName => "Masking";

    /// <summary>Element-wise: any axis may be unknown.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public double MaskValue { get; } = maskValue;

    public override bool SupportsMasking => true;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape.Length >= 1
        ? inputShape
        : throw new ArgumentException($"Layer '{Name}' (Masking) needs inputs with a feature axis; found {Describe(inputShape)}.");

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => Op.Record(new TimestepMaskOp(inputs, (float)MaskValue));

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var mask = ComputeMask(inputs, inputs.KerasMask)!;
        var output = Tensor.Multiply(inputs, Tensor.Reshape(mask, [.. mask.Shape, 1]));
        output.KerasMask = mask;
        return output;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["mask_value"] = MaskValue;
        return config;
    }

    public static Masking FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "Masking", "mask_value");
        return new Masking(config.GetDouble("mask_value", 0.0), inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
