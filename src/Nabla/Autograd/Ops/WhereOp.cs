using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>y = condition ? a : b element-wise, with a, b and the (0/1, non-differentiable) condition
/// broadcast together. The gradient flows to a where the condition holds and to b elsewhere.</summary>
internal sealed class WhereOp : Op
{
    private readonly BroadcastPlan plan;          // a against b
    private readonly BroadcastPlan conditionPlan; // the condition against the output
    private readonly float[] condition, other;    // output-sized: the expanded condition, and b / a gradient scratch

    private WhereOp(Tensor cond, Tensor a, Tensor b, BroadcastPlan plan) : base([cond, a, b], plan.OutShape)
    {
        this.plan = plan;
        conditionPlan = new BroadcastPlan(cond.Shape, Output.Shape, "where");
        condition = new float[Output.Size];
        other = new float[Output.Size];
    }

    public static WhereOp Create(Tensor cond, Tensor a, Tensor b)
    {
        var plan = new BroadcastPlan(a.Shape, b.Shape, "where");
        if (!Tensor.SameShape(BroadcastPlan.BroadcastShape(cond.Shape, plan.OutShape, "where"), plan.OutShape))
            throw new ArgumentException(
                $"where: the condition's shape {Tensor.ShapeString(cond.Shape)} must broadcast to the shape of a and b, " +
                $"{Tensor.ShapeString(plan.OutShape)}, without enlarging it.", nameof(cond));
        return new WhereOp(cond, a, b, plan);
    }

    public override string Name => "where";

    public override void Forward()
    {
        conditionPlan.Expand(Inputs[0].Data, Operand.A, condition);
        plan.Expand(Inputs[1].Data, Operand.A, Output.Data);
        plan.Expand(Inputs[2].Data, Operand.B, other);
        var y = Output.Data;
        for (int i = 0; i < y.Length; i++)
            if (condition[i] == 0f) y[i] = other[i];
    }

    public override void Backward()
    {
        var dy = Output.Grad!.Data;
        if (NeedsGrad(1)) ReduceMasked(dy, whereTrue: true, Operand.A, Inputs[1].Grad!.Data);
        if (NeedsGrad(2)) ReduceMasked(dy, whereTrue: false, Operand.B, Inputs[2].Grad!.Data);
    }

    private void ReduceMasked(float[] dy, bool whereTrue, Operand target, float[] dest)
    {
        for (int i = 0; i < dy.Length; i++)
            other[i] = (condition[i] != 0f) == whereTrue ? dy[i] : 0f;
        plan.ReduceInto(other, target, dest);
    }
}
