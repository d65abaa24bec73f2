using Nabla.Autograd;
using Nabla.Autograd.Ops;

namespace Nabla;

/// <summary>Reductions. Axes may be negative (counted from the end); without axes, every axis is reduced
/// to a rank-0 scalar.</summary>
public sealed partial class Tensor
{
    public static Tensor Sum(Tensor x) => Op.Record(SumOp.Sum(x, null, keepDims: false));

    public static Tensor Sum(Tensor x, int axis, bool keepDims = false) => Sum(x, [axis], keepDims);

    public static Tensor Sum(Tensor x, int[] axes, bool keepDims = false) =>
        Op.Record(SumOp.Sum(x, axes ?? throw new ArgumentNullException(nameof(axes)), keepDims));

    public static Tensor Mean(Tensor x) => Op.Record(SumOp.Mean(x, null, keepDims: false));

    public static Tensor Mean(Tensor x, int axis, bool keepDims = false) => Mean(x, [axis], keepDims);

    public static Tensor Mean(Tensor x, int[] axes, bool keepDims = false) =>
        Op.Record(SumOp.Mean(x, axes ?? throw new ArgumentNullException(nameof(axes)), keepDims));

    /// <summary>Maximum of all elements; the gradient goes to the first maximal element.</summary>
    public static Tensor Max(Tensor x) => Op.Record(MaxOp.Create(x, null, keepDims: false));

    public static Tensor Max(Tensor x, int axis, bool keepDims = false) => Max(x, [axis], keepDims);

    /// <summary>Maximum over axes; the gradient goes to the first maximal element of each group (ties: first).</summary>
    public static Tensor Max(Tensor x, int[] axes, bool keepDims = false) =>
        Op.Record(MaxOp.Create(x, axes ?? throw new ArgumentNullException(nameof(axes)), keepDims));

    /// <summary>Index of the maximum along <paramref name="axis"/> (ties: first), as floats. Not differentiable:
    /// recorded as a gradient blocker.</summary>
    public static Tensor ArgMax(Tensor x, int axis = -1) => Op.Record(ArgMaxOp.Create(x, axis));
}
