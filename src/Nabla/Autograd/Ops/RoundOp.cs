using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Rounds half to even, as tf.round / keras.ops.round. A gradient blocker.</summary>
internal sealed class RoundOp(Tensor x) : GradientBlockerOp(x)
{
    public override string Name => "round";

    public override void Forward() => TensorPrimitives.Round(Inputs[0].Data, Output.Data);
}
