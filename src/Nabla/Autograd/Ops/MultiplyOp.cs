using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>c = a ⊙ b with NumPy broadcasting.</summary>
internal sealed class MultiplyOp(Tensor a, Tensor b) : BroadcastBinaryOp(a, b, "multiply")
{
    public override string Name => "multiply";

    public override void Forward() =>
        Plan.Apply<MultiplyKernel>(A.Data, Operand.A, B.Data, Operand.B, Output.Data);

    // dc/da = b, dc/db = a.
    public override void Backward()
    {
        var dc = Output.Grad!.Data;
        if (NeedsGrad(0))
        {
            Plan.Apply<MultiplyKernel>(dc, Operand.Out, B.Data, Operand.B, Scratch);
            AccumulateGrad(Operand.A, Scratch);
        }
        if (NeedsGrad(1))
        {
            Plan.Apply<MultiplyKernel>(dc, Operand.Out, A.Data, Operand.A, Scratch);
            AccumulateGrad(Operand.B, Scratch);
        }
    }
}
