namespace Nabla.Autograd.Ops;

/// <summary>Reverses axis 1 (time) of [batch, steps, ...]: the backward half of a bidirectional layer emits its
/// sequence in processing order, and this puts it back in input order. The gradient is reversed the same way.</summary>
internal sealed class ReverseTimeOp : Op
{
    private readonly int batch, steps, stepSize;

    public ReverseTimeOp(Tensor x) : base([x], x.Shape)
    {
        if (x.Rank < 2)
            throw new ArgumentException($"Reversing time needs [batch, steps, ...]; found {Tensor.ShapeString(x.Shape)}.");
        batch = x.Shape[0];
        steps = x.Shape[1];
        stepSize = steps == 0 ? 0 : x.Size / (batch * steps);
    }

    public override string Name => "reverse_time";

    public override void Forward() => Reverse(Inputs[0].Data, Output.Data, accumulate: false);

    public override void Backward()
    {
        if (NeedsGrad(0)) Reverse(Output.Grad!.Data, Inputs[0].Grad!.Data, accumulate: true);
    }

    private void Reverse(float[] source, float[] target, bool accumulate)
    {
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
            {
                var from = source.AsSpan((b * steps + t) * stepSize, stepSize);
                var to = target.AsSpan((b * steps + steps - 1 - t) * stepSize, stepSize);
                if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
                else from.CopyTo(to);
            }
    }
}
