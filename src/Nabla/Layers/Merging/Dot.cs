using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Dot(axes, normalize=False)</c>: per sample, the dot product of two inputs along one axis of each
/// (Keras's <c>batch_dot</c>). Axes count the batch axis as Keras does (axis 0 is refused; negative axes count from the
/// end of each input's full shape). The output holds the first input's other axes then the second's, as
/// <c>(None, 1)</c> when none is left: (None, 3, 4)·(None, 4, 5) with axes (2, 1) gives (None, 3, 5). With
/// <c>normalize</c> each input is first L2-normalized along its axis, which gives the cosine similarity.
/// </summary>
public sealed class Dot : Merge
{
    /// <summary>Keras's l2_normalize floor on the squared norm (keras/src/layers/merging/dot.py uses epsilon 1e-12).</summary>
    private const float NormalizeEpsilon = 1e-12f;

    // The per-sample axes contracted in each input, resolved when the layer is built.
    private int axisA, axisB;

    /// <summary>The axis contracted in each input, as an index into its per-sample shape (known once built).</summary>
    internal (int First, int Second) ContractedAxes => IsBuilt ? (axisA, axisB)
        : throw new InvalidOperationException($"Layer '{Name}' (Dot) is not built yet.");

    public Dot(int axes, bool normalize = false, string? name = null) : this([axes, axes], normalize, name) { }

    public Dot(int[] axes, bool normalize = false, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != 2)
            throw new ArgumentException($"Dot 'axes' must be one integer or a pair, found {axes.Length} values.", nameof(axes));
        Axes = (int[])axes.Clone();
        Normalize = normalize;
    }

    public override string ClassName => "Dot";

    public IReadOnlyList<int> Axes { get; }

    public bool Normalize { get; }

    protected override int[] ComputeMergedShape(IReadOnlyList<int[]> inputShapes)
    {
        if (inputShapes.Count != 2)
            throw new ArgumentException($"Layer '{Name}' (Dot) must be called on exactly 2 inputs; got {inputShapes.Count}.");
        var (a, b) = (inputShapes[0], inputShapes[1]);
        int first = SampleAxis(0, a), second = SampleAxis(1, b);
        if (a[first] != b[second])
            throw new ArgumentException(
                $"Layer '{Name}' (Dot): dimension incompatibility {a[first]} != {b[second]}; received {DescribeAll(inputShapes)} " +
                $"with axes ({Axes[0]}, {Axes[1]}).");
        (axisA, axisB) = (first, second);
        int[] shape = [.. a.Where((_, i) => i != first), .. b.Where((_, i) => i != second)];
        return shape.Length == 0 ? [1] : shape;
    }

    /// <summary>Input <paramref name="input"/>'s axis as an index into its per-sample shape, Keras's full-shape axis
    /// (batch axis 0, negatives modulo the full rank) resolved.</summary>
    private int SampleAxis(int input, int[] perSample)
    {
        int rank = perSample.Length + 1, axis = Axes[input] < 0 ? Axes[input] + rank : Axes[input];
        if (axis <= 0 || axis >= rank)
            throw new ArgumentException(
                $"Layer '{Name}' (Dot): axis {Axes[input]} of input {input} is not a per-sample axis of inputs of shape {Describe(perSample)} " +
                $"(axes count the batch axis 0, which cannot be reduced).");
        return axis - 1;
    }

    protected override Tensor MergeBatches(IReadOnlyList<Tensor> inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        if (Normalize) (a, b) = (L2Normalize(a, axisA + 1), L2Normalize(b, axisB + 1));
        // Two vectors per sample: an element-wise product summed, with no per-sample matrix product to dispatch.
        if (a.Rank == 2 && b.Rank == 2) return Tensor.Sum(Tensor.Multiply(a, b), 1, keepDims: true);
        int batch = a.Shape[0], depth = a.Shape[axisA + 1];
        // Keras's batch_dot: the first input's axis last, the second's first, both as matrices per sample.
        var left = Tensor.Reshape(MoveAxis(a, axisA + 1, a.Rank - 1), batch, -1, depth);
        var right = Tensor.Reshape(MoveAxis(b, axisB + 1, 1), batch, depth, -1);
        return Tensor.Reshape(Tensor.BatchMatMul(left, right), [batch, .. OutputShape!]);
    }

    /// <summary>Moves axis <paramref name="from"/> to <paramref name="to"/>, the others keeping their order.</summary>
    private static Tensor MoveAxis(Tensor x, int from, int to) =>
        from == to ? x : Tensor.Transpose(x, MoveAxisOrder(x.Rank, from, to));

    /// <summary>The transpose permutation that moves axis <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal static int[] MoveAxisOrder(int rank, int from, int to)
    {
        var order = Enumerable.Range(0, rank).Where(i => i != from).ToList();
        order.Insert(to, from);
        return [.. order];
    }

    private static Tensor L2Normalize(Tensor x, int axis)
    {
        var squaredNorm = Tensor.Sum(Tensor.Multiply(x, x), axis, keepDims: true);
        return Tensor.Divide(x, Tensor.Sqrt(Tensor.Clip(squaredNorm, NormalizeEpsilon, float.MaxValue)));
    }

    public override Config GetConfig()
    {
        var config = BaseConfig(this);
        config["axes"] = Axes[0] == Axes[1] ? (long)Axes[0] : new List<object?> { (long)Axes[0], (long)Axes[1] };
        config["normalize"] = Normalize;
        return config;
    }

    public static Dot FromConfig(Config config)
    {
        var name = BaseArgs(config).name;
        bool normalize = config.GetBool("normalize", false);
        var dot = config.TryGet("axes", out var axes) && axes is not string && axes is IEnumerable<object?>
            ? new Dot(config.GetIntArray("axes")!, normalize, name)
            : new Dot(config.GetInt("axes"), normalize, name);
        dot.Trainable = config.GetBool("trainable", true);
        return dot;
    }
}
