namespace Nabla.Autograd.Ops;

/// <summary>
/// Base of the non-differentiable element-wise ops (round, floor, sign, cast, stop_gradient): the output
/// has the input's shape and never requires a gradient, but the op stays linked in the graph so that
/// <see cref="Graph.BlockersOf"/> can name it when a weight gets no gradient.
/// </summary>
internal abstract class GradientBlockerOp(Tensor x) : Op([x], x.Shape)
{
    public sealed override bool IsGradientBlocker => true;

    public sealed override void Backward() { } // never called: the output does not require a gradient
}
