using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = −x.</summary>
internal sealed class NegateOp(Tensor x) : Op([x], x.Shape)
{
    public override string Name => "negate";

    public override void Forward() => TensorPrimitives.Negate(Inputs[0].Data, Output.Data);

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.Subtract(dx, Output.Grad!.Data, dx);
    }
}
