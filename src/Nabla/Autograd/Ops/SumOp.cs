using System.Numerics.Tensors;
using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Sum (or mean, with <c>scale</c> = 1/count) over some axes. The reduced output broadcasts back over
/// the input, so the forward pass is the broadcast gradient reduction and the backward pass its transpose.
/// </summary>
internal sealed class SumOp : Op
{
    private readonly BroadcastPlan plan; // operand A: the output (reduced axes kept as 1); Out and B: the input
    private readonly float scale;
    private readonly string name;

    private SumOp(Tensor x, int[] axes, bool keepDims, bool mean, string name)
        : base([x], Axes.Reduced(x.Shape, axes, keepDims))
    {
        plan = new BroadcastPlan(Axes.Reduced(x.Shape, axes, keepDims: true), x.Shape, name);
        long count = 1;
        foreach (int axis in axes) count *= x.Shape[axis];
        scale = mean ? 1f / count : 1f;
        this.name = name;
    }

    public static SumOp Sum(Tensor x, int[]? axes, bool keepDims) =>
        new(x, Axes.NormalizeMany(axes, x.Rank, "sum"), keepDims, mean: false, "sum");

    public static SumOp Mean(Tensor x, int[]? axes, bool keepDims) =>
        new(x, Axes.NormalizeMany(axes, x.Rank, "mean"), keepDims, mean: true, "mean");

    public override string Name => name;

    public override void Forward()
    {
        var y = Output.Data;
        Array.Clear(y);
        plan.ReduceInto(Inputs[0].Data, Operand.A, y);
        if (scale != 1f) TensorPrimitives.Multiply(y, scale, y);
    }

    // Every input element contributes once (times scale) to its output element.
    public override void Backward()
    {
        if (NeedsGrad(0)) plan.AddExpanded(Output.Grad!.Data, Operand.A, scale, Inputs[0].Grad!.Data);
    }
}
