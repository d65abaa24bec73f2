namespace Nabla.Autograd.Ops;

/// <summary>−1, 0 or 1 (NaN stays NaN). A gradient blocker.</summary>
internal sealed class SignOp(Tensor x) : GradientBlockerOp(x)
{
    public override string Name => "sign";

    public override void Forward()
    {
        float[] x = Inputs[0].Data, y = Output.Data;
        for (int i = 0; i < x.Length; i++)
            y[i] = x[i] > 0f ? 1f : x[i] < 0f ? -1f : x[i]; // keeps 0 and NaN as they are
    }
}
