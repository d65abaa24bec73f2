using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = min(max(x, min), max).</summary>
internal sealed class ClipOp : Op
{
    private readonly float min, max;

    public ClipOp(Tensor x, float min, float max) : base([x], x.Shape)
    {
        if (!(min <= max))
            throw new ArgumentException($"clip: min ({min}) must not exceed max ({max}).", nameof(min));
        (this.min, this.max) = (min, max);
    }

    public override string Name => "clip";

    public override void Forward()
    {
        TensorPrimitives.Max(Inputs[0].Data, min, Output.Data);
        TensorPrimitives.Min(Output.Data, max, Output.Data);
    }

    // Gradient 1 inside [min, max] (bounds included) and 0 outside, as tf.clip_by_value (Keras' ops.clip).
    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        float[] x = Inputs[0].Data, dy = Output.Grad!.Data, dx = Inputs[0].Grad!.Data;
        for (int i = 0; i < x.Length; i++)
            if (x[i] >= min && x[i] <= max) dx[i] += dy[i];
    }
}
