using System.Numerics.Tensors;
using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>c = a / b with NumPy broadcasting.</summary>
internal sealed class DivideOp(Tensor a, Tensor b) : BroadcastBinaryOp(a, b, "divide")
{
    public override string Name => "divide";

    public override void Forward() =>
        Plan.Apply<DivideKernel>(A.Data, Operand.A, B.Data, Operand.B, Output.Data);

    // dc/da = 1/b; dc/db = −a/b² = −(1/b)·c, so both reuse dc/b.
    public override void Backward()
    {
        if (!NeedsGrad(0) && !NeedsGrad(1)) return;
        Plan.Apply<DivideKernel>(Output.Grad!.Data, Operand.Out, B.Data, Operand.B, Scratch);
        if (NeedsGrad(0)) AccumulateGrad(Operand.A, Scratch);
        if (NeedsGrad(1))
        {
            TensorPrimitives.Multiply(Scratch, Output.Data, Scratch);
            TensorPrimitives.Negate(Scratch, Scratch);
            AccumulateGrad(Operand.B, Scratch);
        }
    }
}
