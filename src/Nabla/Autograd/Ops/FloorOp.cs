using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Largest integer not above x. A gradient blocker.</summary>
internal sealed class FloorOp(Tensor x) : GradientBlockerOp(x)
{
    public override string Name => "floor";

    public override void Forward() => TensorPrimitives.Floor(Inputs[0].Data, Output.Data);
}
