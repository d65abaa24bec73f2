using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>c = a^b element-wise with NumPy broadcasting (both base and exponent are tensors).</summary>
internal sealed class PowOp(Tensor a, Tensor b) : BroadcastBinaryOp(a, b, "pow")
{
    public override string Name => "pow";

    public override void Forward() =>
        Plan.Apply<PowKernel>(A.Data, Operand.A, B.Data, Operand.B, Output.Data);

    // dc/da = b·a^(b−1); dc/db = c·ln a, taken as 0 where a ≤ 0 (ln undefined), as TensorFlow does.
    public override void Backward()
    {
        if (NeedsGrad(0))
        {
            FillGradients(ofBase: true);
            AccumulateGrad(Operand.A, Scratch);
        }
        if (NeedsGrad(1))
        {
            FillGradients(ofBase: false);
            AccumulateGrad(Operand.B, Scratch);
        }
    }

    private void FillGradients(bool ofBase)
    {
        var walk = Plan.Walk;
        float[] a = A.Data, b = B.Data, c = Output.Data, dc = Output.Grad!.Data;
        int len = walk.RunLength, stepA = walk.InnerStride((int)Operand.A), stepB = walk.InnerStride((int)Operand.B);
        var runs = walk.Runs();
        while (runs.MoveNext())
        {
            for (int j = 0, ia = runs.Offset1, ib = runs.Offset2; j < len; j++, ia += stepA, ib += stepB)
            {
                int o = runs.Offset0 + j;
                float local = ofBase
                    ? b[ib] * MathF.Pow(a[ia], b[ib] - 1f)
                    : a[ia] > 0f ? c[o] * MathF.Log(a[ia]) : 0f;
                Scratch[o] = dc[o] * local;
            }
        }
    }
}
