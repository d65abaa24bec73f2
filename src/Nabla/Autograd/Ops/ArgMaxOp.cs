using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Index of the maximum along one axis (as floats; ties: first; NaN wins, as in NumPy).
/// Not differentiable: it is recorded as a gradient blocker.</summary>
internal sealed class ArgMaxOp : Op
{
    private readonly int outer, length, inner;

    public static ArgMaxOp Create(Tensor x, int axis) => new(x, Axes.Normalize(axis, x.Rank, "argmax"));

    private ArgMaxOp(Tensor x, int axis) : base([x], Axes.Reduced(x.Shape, [axis], keepDims: false))
    {
        if (x.Shape[axis] == 0)
            throw new ArgumentException($"argmax: axis {axis} of shape {Tensor.ShapeString(x.Shape)} is empty.", nameof(x));
        length = x.Shape[axis];
        outer = (int)Tensor.ElementCount(x.Shape.AsSpan(0, axis));
        inner = (int)Tensor.ElementCount(x.Shape.AsSpan(axis + 1));
    }

    public override string Name => "argmax";

    public override bool IsGradientBlocker => true;

    public override void Forward()
    {
        float[] x = Inputs[0].Data, y = Output.Data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * length * inner + i, best = 0;
                for (int k = 1; k < length; k++)
                {
                    float v = x[start + k * inner], b = x[start + best * inner];
                    if (v > b || (float.IsNaN(v) && !float.IsNaN(b))) best = k;
                }
                y[o * inner + i] = best;
            }
    }

    public override void Backward() { } // blockers never receive a gradient
}
