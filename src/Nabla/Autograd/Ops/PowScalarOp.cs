using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = xᵖ for a constant exponent p.</summary>
internal sealed class PowScalarOp(Tensor x, float exponent) : Op([x], x.Shape)
{
    private readonly float[] scratch = new float[x.Size];

    public override string Name => "pow";

    public override void Forward() => TensorPrimitives.Pow(Inputs[0].Data, exponent, Output.Data);

    // dy/dx = p·x^(p−1), computed directly (not as p·y/x, which fails at x = 0).
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.Pow(Inputs[0].Data, exponent - 1f, scratch);
        TensorPrimitives.Multiply(scratch, Output.Grad!.Data, scratch);
        TensorPrimitives.MultiplyAdd(scratch, exponent, dx, dx);
    }
}
