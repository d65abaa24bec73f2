using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Element-wise comparison with broadcasting, giving 1 where it holds and 0 elsewhere.
/// A gradient blocker.</summary>
internal sealed class CompareOp<T> : Op where T : IComparison
{
    private readonly BroadcastPlan plan;
    private readonly string name;

    private CompareOp(Tensor a, Tensor b, string name, BroadcastPlan plan) : base([a, b], plan.OutShape)
    {
        this.plan = plan;
        this.name = name;
    }

    public static CompareOp<T> Create(Tensor a, Tensor b, string name) =>
        new(a, b, name, new BroadcastPlan(a.Shape, b.Shape, name));

    public override string Name => name;

    public override bool IsGradientBlocker => true;

    public override void Forward() =>
        plan.Apply<ComparisonKernel<T>>(Inputs[0].Data, Operand.A, Inputs[1].Data, Operand.B, Output.Data);

    public override void Backward() { } // never called: the output does not require a gradient
}
