using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = eˣ.</summary>
internal sealed class ExpOp(Tensor x) : Op([x], x.Shape)
{
    public override string Name => "exp";

    public override void Forward() => TensorPrimitives.Exp(Inputs[0].Data, Output.Data);

    // dy/dx = eˣ = y.
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.MultiplyAdd(Output.Grad!.Data, Output.Data, dx, dx);
    }
}
