using System.Numerics.Tensors;
using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>c = a − b with NumPy broadcasting.</summary>
internal sealed class SubtractOp(Tensor a, Tensor b) : BroadcastBinaryOp(a, b, "subtract")
{
    public override string Name => "subtract";

    public override void Forward() =>
        Plan.Apply<SubtractKernel>(A.Data, Operand.A, B.Data, Operand.B, Output.Data);

    // dc/da = 1, dc/db = −1.
    public override void Backward()
    {
        var dc = Output.Grad!.Data;
        if (NeedsGrad(0)) AccumulateGrad(Operand.A, dc);
        if (NeedsGrad(1))
        {
            TensorPrimitives.Negate(dc, Scratch);
            AccumulateGrad(Operand.B, Scratch);
        }
    }
}
