using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>GlobalAveragePooling1D</c>: the mean over every step of channels_last inputs [batch, steps, channels],
/// one value per channel. With a timestep mask, the mean of the unmasked steps, as Keras computes it
/// (keras/src/layers/pooling/global_average_pooling1d.py): the masked sum over the count, so a sample whose every step is
/// masked gives NaN there as in Keras.</summary>
public sealed class GlobalAveragePooling1D(bool keepdims = false, string? dataFormat = null, int[]? inputShape = null, string? name = null)
    : BaseGlobalPooling(1, false, keepdims, dataFormat, inputShape, name)
{
    public override string ClassName => "GlobalAveragePooling1D";

    public override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.KerasMask is not { } mask) return base.Call(inputs, training);
        CheckInput(inputs);
        CheckTimestepMask(inputs, mask);
        var weights = Tensor.Reshape(mask, mask.Shape[0], mask.Shape[1], 1);
        var sum = Tensor.Sum(Tensor.Multiply(inputs, weights), 1, Keepdims);
        return Tensor.Divide(sum, Tensor.Sum(weights, 1, Keepdims));
    }

    public static GlobalAveragePooling1D FromConfig(Config config)
    {
        var a = ReadArgs(config);
        return new GlobalAveragePooling1D(a.Keepdims, a.DataFormat, a.InputShape, a.Name) { Trainable = config.GetBool("trainable", true) };
    }
}
