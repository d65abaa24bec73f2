using Nabla.Autograd;
using Nabla.Autograd.Ops;

namespace Nabla;

/// <summary>Element-wise and row-wise functions of one tensor.</summary>
public sealed partial class Tensor
{
    public static Tensor Negate(Tensor x) => Op.Record(new NegateOp(x));

    public static Tensor Exp(Tensor x) => Op.Record(new ExpOp(x));

    /// <summary>Natural logarithm (−∞ at 0, NaN below).</summary>
    public static Tensor Log(Tensor x) => Op.Record(new LogOp(x));

    public static Tensor Sqrt(Tensor x) => Op.Record(new SqrtOp(x));

    /// <summary>|x|, with gradient sign(x) (0 at 0).</summary>
    public static Tensor Abs(Tensor x) => Op.Record(new AbsOp(x));

    /// <summary>Limits values to [min, max]; the gradient is 1 inside (bounds included) and 0 outside, as Keras' ops.clip.</summary>
    public static Tensor Clip(Tensor x, float min, float max) => Op.Record(new ClipOp(x, min, max));

    /// <summary>Softmax along the last axis, stable for any logits.</summary>
    public static Tensor Softmax(Tensor x) => Op.Record(new ActivationOp(RowSoftmaxKernel.Instance, x));

    /// <summary>Log-softmax along the last axis, stable for any logits.</summary>
    public static Tensor LogSoftmax(Tensor x) => Op.Record(new ActivationOp(RowLogSoftmaxKernel.Instance, x));

    /// <summary>condition ? a : b element-wise (all three broadcast; the condition is a 0/1 tensor and gets no gradient).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Op.Record(WhereOp.Create(condition, a, b));
}
