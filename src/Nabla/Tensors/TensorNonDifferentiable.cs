using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Tensors;

namespace Nabla;

/// <summary>
/// Operations without a useful gradient. They are recorded as gradient blockers: their output never
/// requires a gradient, but they stay in the graph, so that <see cref="Graph.BlockersOf"/> and the error
/// of <see cref="Graph.Backward()"/> can name them when a weight receives no gradient.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>The same values, with the gradient path cut (tf.stop_gradient).</summary>
    public static Tensor StopGradient(Tensor x) => Op.Record(new StopGradientOp(x));

    /// <summary>Rounds half to even (tf.round).</summary>
    public static Tensor Round(Tensor x) => Op.Record(new RoundOp(x));

    public static Tensor Floor(Tensor x) => Op.Record(new FloorOp(x));

    /// <summary>−1, 0 or 1.</summary>
    public static Tensor Sign(Tensor x) => Op.Record(new SignOp(x));

    /// <summary>1 where a &gt; b, else 0 (broadcast).</summary>
    public static Tensor Greater(Tensor a, Tensor b) => Op.Record(CompareOp<GreaterThan>.Create(a, b, "greater"));

    /// <summary>1 where a &lt; b, else 0 (broadcast).</summary>
    public static Tensor Less(Tensor a, Tensor b) => Op.Record(CompareOp<LessThan>.Create(a, b, "less"));

    /// <summary>1 where a == b, else 0 (broadcast).</summary>
    public static Tensor Equal(Tensor a, Tensor b) => Op.Record(CompareOp<EqualTo>.Create(a, b, "equal"));

    /// <summary>1 where a != b, else 0 (broadcast).</summary>
    public static Tensor NotEqual(Tensor a, Tensor b) => Op.Record(CompareOp<NotEqualTo>.Create(a, b, "not_equal"));

    /// <summary>Casts to integer class labels (truncating toward zero), kept as floats; recorded as "cast".</summary>
    public static Tensor ToLabels(Tensor x) => Op.Record(new CastToLabelsOp(x));
}
