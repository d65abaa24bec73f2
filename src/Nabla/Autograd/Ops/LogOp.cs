using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = ln x (−∞ at 0 and NaN below, as in NumPy).</summary>
internal sealed class LogOp(Tensor x) : Op([x], x.Shape)
{
    private readonly float[] scratch = new float[x.Size];

    public override string Name => "log";

    public override void Forward() => TensorPrimitives.Log(Inputs[0].Data, Output.Data);

    // dy/dx = 1/x.
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.Divide(Output.Grad!.Data, Inputs[0].Data, scratch);
        TensorPrimitives.Add(dx, scratch, dx);
    }
}
