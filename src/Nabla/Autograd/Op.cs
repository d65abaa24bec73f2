namespace Nabla.Autograd;

/// <summary>
/// One recorded operation: its forward pass writes <see cref="Output"/> from <see cref="Inputs"/>, and its
/// backward pass, written right beside it in each subclass, adds the gradient of the loss with respect to
/// each input that requires one. An op's buffers are allocated once, so a captured graph can be replayed
/// (<see cref="Graph.Forward"/>) any number of times without allocating.
/// </summary>
public abstract class Op
{
    protected Op(Tensor[] inputs, int[] outputShape)
    {
        Inputs = inputs;
        Output = new Tensor(outputShape);
        if (this is ILogitsOutput activated) Output.KerasLogits = activated;
    }

    /// <summary>The operation's name as shown to users ("matmul", "round", ...).</summary>
    public abstract string Name { get; }

    public Tensor[] Inputs { get; private set; }

    /// <summary>Appends an input that the op reads but that is only known after construction (a loss's mask), so the
    /// graph orders its producer first. Call before the op is recorded.</summary>
    protected void AppendInput(Tensor input)
    {
        if (Output.Creator is not null) throw new InvalidOperationException($"Op '{Name}' is already recorded.");
        Inputs = [.. Inputs, input];
    }

    public Tensor Output { get; }

    /// <summary>
    /// True for non-differentiable operations (argmax, round, casts, stop_gradient...). Their output never
    /// requires a gradient, but they stay in the graph so that a missing gradient can be traced to them.
    /// </summary>
    public virtual bool IsGradientBlocker => false;

    /// <summary>Computes <see cref="Output"/> from the current values of <see cref="Inputs"/>.</summary>
    public abstract void Forward();

    /// <summary>Adds dLoss/dInput into <c>Inputs[i].Grad</c> for each input that requires a gradient,
    /// given dLoss/dOutput in <c>Output.Grad</c>.</summary>
    public abstract void Backward();

    public override string ToString() => $"{Name} -> {Tensor.ShapeString(Output.Shape)}";

    /// <summary>Whether input <paramref name="i"/> wants a gradient from this op.</summary>
    protected bool NeedsGrad(int i) => Inputs[i].RequiresGrad && Inputs[i].Grad is not null;

    private bool[]? overwrites;

    /// <summary>
    /// Ops whose backward can <em>write</em> input <paramref name="i"/>'s gradient instead of adding to it
    /// say so here. When such an op is the first contributor in a backward pass, the graph skips zeroing
    /// that gradient and the op overwrites it: one pass over a weight-sized buffer saved per step.
    /// </summary>
    protected internal virtual bool CanOverwriteGrad(int i) => false;

    /// <summary>True when this backward pass must write, not add, input <paramref name="i"/>'s gradient.</summary>
    protected bool OverwritesGrad(int i) => overwrites is not null && overwrites[i];

    internal void SetOverwrite(int i, bool value)
    {
        overwrites ??= new bool[Inputs.Length];
        overwrites[i] = value;
    }

    /// <summary>Runs the forward pass once and, when gradients are being recorded, links the output into the graph.
    /// Every public tensor operation goes through here.</summary>
    internal static Tensor Record(Op op)
    {
        op.Forward();
        if (!GradMode.IsEnabled) return op.Output;
        bool anyInputTracked = false;
        foreach (var input in op.Inputs)
            if (input.RequiresGrad || input.Creator is not null || input.IsPlaceholder) { anyInputTracked = true; break; }
        if (!anyInputTracked) return op.Output;
        op.Output.Creator = op;
        if (!op.IsGradientBlocker)
            foreach (var input in op.Inputs)
                if (input.RequiresGrad) { op.Output.RequiresGrad = true; break; }
        return op.Output;
    }
}
