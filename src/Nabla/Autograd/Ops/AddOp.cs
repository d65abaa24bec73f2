using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>c = a + b with NumPy broadcasting.</summary>
internal sealed class AddOp(Tensor a, Tensor b) : BroadcastBinaryOp(a, b, "add")
{
    public override string Name => "add";

    public override void Forward() =>
        Plan.Apply<AddKernel>(A.Data, Operand.A, B.Data, Operand.B, Output.Data);

    // dc/da = dc/db = 1: the gradient passes through, summed over broadcast axes.
    public override void Backward()
    {
        if (NeedsGrad(0)) AccumulateGrad(Operand.A, Output.Grad!.Data);
        if (NeedsGrad(1)) AccumulateGrad(Operand.B, Output.Grad!.Data);
    }
}
