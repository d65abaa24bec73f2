using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = √x.</summary>
internal sealed class SqrtOp(Tensor x) : Op([x], x.Shape)
{
    private readonly float[] scratch = new float[x.Size];

    public override string Name => "sqrt";

    public override void Forward() => TensorPrimitives.Sqrt(Inputs[0].Data, Output.Data);

    // dy/dx = 1/(2√x) = 0.5/y.
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.Divide(Output.Grad!.Data, Output.Data, scratch);
        TensorPrimitives.MultiplyAdd(scratch, 0.5f, dx, dx);
    }
}
