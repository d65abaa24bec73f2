namespace Nabla.Autograd;

/// <summary>
/// The recorded graph below one output (usually a loss): the operations in topological order, the
/// gradient pass over them, and the questions users ask of it ("why has this weight no gradient?").
/// </summary>
public class Graph
{
    /// <summary>Every op reachable from the root, inputs before outputs (blockers included).</summary>
    public IReadOnlyList<Op> Ops => ops;

    public Tensor Root { get; }

    private readonly Op[] ops;
    private readonly Op[] backwardOps;
    private readonly Tensor[] gradTensors;
    private readonly Tensor[] gradTensorsToZero;
    private readonly (Op op, int input)[] firstWriters;

    public Graph(Tensor root) : this([root])
    {
    }

    /// <summary>The graph below several outputs (a model with several): <see cref="Forward"/> computes them all;
    /// the gradient pass starts from the first, <see cref="Root"/>.</summary>
    public Graph(IReadOnlyList<Tensor> roots)
    {
        if (roots.Count == 0) throw new ArgumentException("A graph needs at least one root.", nameof(roots));
        var root = roots[0];
        Root = root;
        ops = TopologicalOrder(roots);
        // Only ops whose output needs a gradient and that the root reaches without crossing a gradient
        // blocker take part in the backward pass (else a weight used only under round/argmax would get zeros).
        var reached = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { root };
        var backward = new List<Op>();
        for (int i = ops.Length - 1; i >= 0; i--)
        {
            if (!ops[i].Output.RequiresGrad || !reached.Contains(ops[i].Output)) continue;
            backward.Add(ops[i]);
            reached.UnionWith(ops[i].Inputs);
        }
        backwardOps = backward.ToArray();
        var withGrad = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        if (root.RequiresGrad) withGrad.Add(root);
        foreach (var op in backwardOps)
            foreach (var input in op.Inputs)
                if (input.RequiresGrad) withGrad.Add(input);
        gradTensors = withGrad.ToArray();
        firstWriters = FindOverwritingFirstWriters(backwardOps, withGrad);
        var written = new HashSet<Tensor>(firstWriters.Select(w => w.op.Inputs[w.input]), ReferenceEqualityComparer.Instance);
        gradTensorsToZero = gradTensors.Where(t => !written.Contains(t)).ToArray();
    }

    /// <summary>For each gradient, the first op of the backward pass that contributes to it, where that op
    /// can write instead of add (and takes the tensor as one input only).</summary>
    private static (Op, int)[] FindOverwritingFirstWriters(Op[] backwardOps, HashSet<Tensor> withGrad)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var result = new List<(Op, int)>();
        foreach (var op in backwardOps)
            for (int i = 0; i < op.Inputs.Length; i++)
            {
                var input = op.Inputs[i];
                if (!withGrad.Contains(input) || !seen.Add(input)) continue;
                bool usedOnce = op.Inputs.Count(t => ReferenceEquals(t, input)) == 1;
                if (usedOnce && op.CanOverwriteGrad(i)) result.Add((op, i));
            }
        return result.ToArray();
    }

    /// <summary>
    /// Computes d(root)/d(t) for every tensor of the graph that requires a gradient. Gradients are fresh
    /// for each call (like <c>tf.GradientTape.gradient</c>); tensors the root does not reach keep a null
    /// <see cref="Tensor.Grad"/>.
    /// </summary>
    public void Backward() => Backward(null);

    /// <summary>Backpropagates <paramref name="seed"/> as d(loss)/d(root) (ones when null), like
    /// <c>tensor.backward(gradient)</c> in PyTorch.</summary>
    public void Backward(Tensor? seed)
    {
        if (seed is not null && !Tensor.SameShape(seed.Shape, Root.Shape))
            throw new ArgumentException(
                $"The seed gradient has shape {Tensor.ShapeString(seed.Shape)}, the root {Tensor.ShapeString(Root.Shape)}.");
        if (!Root.RequiresGrad)
            throw new InvalidOperationException(
                $"{Root} does not depend on any tensor that requires a gradient" + DescribeBlockers() + ".");
        foreach (var t in gradTensors)
            if (t.Grad is null || !Tensor.SameShape(t.Grad.Shape, t.Shape)) t.Grad = new Tensor(t.Shape);
        foreach (var t in gradTensorsToZero) Array.Clear(t.Grad!.Data);
        // An op may sit in several graphs: (re)state which inputs it overwrites in this one.
        foreach (var op in backwardOps)
            for (int i = 0; i < op.Inputs.Length; i++) op.SetOverwrite(i, false);
        foreach (var (op, input) in firstWriters) op.SetOverwrite(input, true);
        if (seed is null) Array.Fill(Root.Grad!.Data, 1f);
        else seed.Data.CopyTo(Root.Grad!.Data, 0);
        foreach (var op in backwardOps) op.Backward();
    }

    /// <summary>Reruns every forward op in order on the current input values, allocating nothing.</summary>
    public void Forward()
    {
        foreach (var op in ops) op.Forward();
    }

    /// <summary>Whether the root's value depends (differentiably) on <paramref name="tensor"/>.</summary>
    public bool Reaches(Tensor tensor) => gradTensors.Contains(tensor, ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The non-differentiable operations that lie on a path from the root down to <paramref name="tensor"/>:
    /// the ops that cut its gradient. Empty when the tensor is reachable only differentiably, or not at all.
    /// </summary>
    public IReadOnlyList<Op> BlockersOf(Tensor tensor)
    {
        var result = new List<Op>();
        foreach (var op in ops)
            if (op.IsGradientBlocker && DependsOn(op, tensor) && !result.Contains(op))
                result.Add(op);
        return result;
    }

    private static bool DependsOn(Op op, Tensor tensor)
    {
        var stack = new Stack<Tensor>(op.Inputs);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (ReferenceEquals(t, tensor)) return true;
            if (!seen.Add(t) || t.Creator is null) continue;
            foreach (var input in t.Creator.Inputs) stack.Push(input);
        }
        return false;
    }

    private string DescribeBlockers()
    {
        var names = ops.Where(op => op.IsGradientBlocker).Select(op => op.Name).Distinct().ToArray();
        return names.Length == 0 ? "" : $" (the path is cut by: {string.Join(", ", names)})";
    }

    private static Op[] TopologicalOrder(IReadOnlyList<Tensor> roots)
    {
        var order = new List<Op>();
        var visited = new HashSet<Op>(ReferenceEqualityComparer.Instance);
        // Iterative post-order DFS: deep graphs must not overflow the stack.
        var stack = new Stack<(Op op, bool expanded)>();
        for (int r = roots.Count - 1; r >= 0; r--)
            if (roots[r].Creator is not null) stack.Push((roots[r].Creator!, false));
        while (stack.Count > 0)
        {
            var (op, expanded) = stack.Pop();
            if (expanded) { order.Add(op); continue; }
            if (!visited.Add(op)) continue;
            stack.Push((op, true));
            foreach (var input in op.Inputs)
                if (input.Creator is not null && !visited.Contains(input.Creator))
                    stack.Push((input.Creator, false));
        }
        return order.ToArray();
    }
}
