using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Casts to integer class labels (truncation toward zero, as a float→int cast), kept as floats.
/// A gradient blocker, like tf.cast to an integer type.</summary>
internal sealed class CastToLabelsOp(Tensor x) : GradientBlockerOp(x)
{
    public override string Name => "cast";

    public override void Forward() => TensorPrimitives.Truncate(Inputs[0].Data, Output.Data);
}
