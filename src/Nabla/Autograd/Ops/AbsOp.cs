using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = |x|.</summary>
internal sealed class AbsOp(Tensor x) : Op([x], x.Shape)
{
    public override string Name => "abs";

    public override void Forward() => TensorPrimitives.Abs(Inputs[0].Data, Output.Data);

    // dy/dx = sign(x), 0 at x = 0 (TensorFlow's choice).
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        float[] x = Inputs[0].Data, dy = Output.Grad!.Data, dx = Inputs[0].Grad!.Data;
        for (int i = 0; i < x.Length; i++)
            dx[i] += x[i] > 0f ? dy[i] : x[i] < 0f ? -dy[i] : 0f;
    }
}
