using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>C[s] = A[s]·B[s] for every s of a batch: A [batch, m, k], B [batch, k, n], C [batch, m, n].</summary>
internal sealed class BatchMatMulOp : Op
{
    private readonly int batch, m, k, n;

    public BatchMatMulOp(Tensor a, Tensor b) : base([a, b], OutputShape(a, b))
    {
        (batch, m, k, n) = (a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]);
    }

    public override string Name => "batch_matmul";

    private static int[] OutputShape(Tensor a, Tensor b)
    {
        if (a.Rank != 3 || b.Rank != 3 || a.Shape[0] != b.Shape[0] || a.Shape[2] != b.Shape[1])
            throw new ArgumentException(
                $"batch_matmul needs [batch, m, k]·[batch, k, n]; got {Tensor.ShapeString(a.Shape)}·{Tensor.ShapeString(b.Shape)}.");
        return [a.Shape[0], a.Shape[1], b.Shape[2]];
    }

    public override void Forward()
    {
        float[] a = Inputs[0].Data, b = Inputs[1].Data, c = Output.Data;
        for (int s = 0; s < batch; s++)
            Gemm.Multiply(false, false, m, n, k, a.AsSpan(s * m * k, m * k), b.AsSpan(s * k * n, k * n), c.AsSpan(s * m * n, m * n));
    }

    public override void Backward()
    {
        float[] a = Inputs[0].Data, b = Inputs[1].Data, dC = Output.Grad!.Data;
        for (int s = 0; s < batch; s++)
        {
            var dCs = dC.AsSpan(s * m * n, m * n);
            // dA[s] += dC[s]·B[s]ᵀ   [m, n]·[n, k]
            if (NeedsGrad(0))
                Gemm.Multiply(false, true, m, k, n, dCs, b.AsSpan(s * k * n, k * n), Inputs[0].Grad!.Data.AsSpan(s * m * k, m * k), accumulate: true);
            // dB[s] += A[s]ᵀ·dC[s]   [k, m]·[m, n]
            if (NeedsGrad(1))
                Gemm.Multiply(true, false, k, n, m, a.AsSpan(s * m * k, m * k), dCs, Inputs[1].Grad!.Data.AsSpan(s * k * n, k * n), accumulate: true);
        }
    }
}
