using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Shared plumbing of the element-wise binary ops (add, subtract, multiply, divide, pow): the broadcast
/// plan, an output-sized scratch buffer for gradients, and the reduction of an output-shaped gradient
/// back to each input's shape. Subclasses write only their math.
/// </summary>
internal abstract class BroadcastBinaryOp : Op
{
    protected readonly BroadcastPlan Plan;

    /// <summary>Output-sized buffer for a gradient before it is reduced to an input's shape.</summary>
    protected readonly float[] Scratch;

    protected BroadcastBinaryOp(Tensor a, Tensor b, string opName)
        : this(a, b, new BroadcastPlan(a.Shape, b.Shape, opName)) { }

    private BroadcastBinaryOp(Tensor a, Tensor b, BroadcastPlan plan) : base([a, b], plan.OutShape)
    {
        Plan = plan;
        Scratch = new float[Output.Size];
    }

    protected Tensor A => Inputs[0];

    protected Tensor B => Inputs[1];

    /// <summary>Adds an output-shaped gradient into input <paramref name="operand"/>'s gradient, summing over
    /// the axes along which that input was broadcast.</summary>
    protected void AccumulateGrad(Operand operand, ReadOnlySpan<float> outSpaceGrad) =>
        Plan.ReduceInto(outSpaceGrad, operand, Inputs[(int)operand - 1].Grad!.Data);
}
