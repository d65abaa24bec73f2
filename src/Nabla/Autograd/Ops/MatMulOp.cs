using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>C = A·B for A [m, k] and B [k, n].</summary>
internal sealed class MatMulOp : Op
{
    private readonly int m, k, n;

    public MatMulOp(Tensor a, Tensor b) : base([a, b], OutputShape(a, b))
    {
        (m, k, n) = (a.Shape[0], a.Shape[1], b.Shape[1]);
    }

    public override string Name => "matmul";

    private static int[] OutputShape(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[0])
            throw new ArgumentException(
                $"matmul needs [m, k]·[k, n]; got {Tensor.ShapeString(a.Shape)}·{Tensor.ShapeString(b.Shape)}.");
        return [a.Shape[0], b.Shape[1]];
    }

    public override void Forward() =>
        Gemm.Multiply(false, false, m, n, k, Inputs[0].Data, Inputs[1].Data, Output.Data);

    protected internal override bool CanOverwriteGrad(int i) => true;

    public override void Backward()
    {
        var dC = Output.Grad!.Data;
        // dA (+)= dC·Bᵀ   [m, n]·[n, k]
        if (NeedsGrad(0)) Gemm.Multiply(false, true, m, k, n, dC, Inputs[1].Data, Inputs[0].Grad!.Data, accumulate: !OverwritesGrad(0));
        // dB (+)= Aᵀ·dC   [k, m]·[m, n]
        if (NeedsGrad(1)) Gemm.Multiply(true, false, k, n, m, Inputs[0].Data, dC, Inputs[1].Grad!.Data, accumulate: !OverwritesGrad(1));
    }
}
