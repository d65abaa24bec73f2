using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Dot(axes, normalize=False)</c>: the dot product of two inputs along an axis, per sample. With
/// <c>normalize</c> each input is first L2-normalized along that axis, which gives the cosine similarity.
/// Axes count the batch axis as Keras does; Nabla supports inputs of shape (None, d), giving (None, 1).
/// </summary>
public sealed class Dot : Merge
{
    /// <summary>Keras's l2_normalize floor on the squared norm (keras/src/layers/merging/dot.py uses epsilon 1e-12).</summary>
    private const float NormalizeEpsilon = 1e-12f;

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
        if (a.Length != 1 || b.Length != 1)
            throw new ArgumentException(
                $"Layer '{Name}' (Dot): Nabla supports inputs of shape (None, d) only; received {DescribeAll(inputShapes)}.");
        for (int i = 0; i < 2; i++)
            if (Axes[i] != 1 && Axes[i] != -1)
                throw new ArgumentException(
                    $"Layer '{Name}' (Dot): axis {Axes[i]} of input {i} is not a per-sample axis of inputs of shape (None, d).");
        if (a[0] != b[0])
            throw new ArgumentException(
                $"Layer '{Name}' (Dot): dimension incompatibility {a[0]} != {b[0]}; received {DescribeAll(inputShapes)} with axes ({Axes[0]}, {Axes[1]}).");
        return [1];
    }

    protected override Tensor MergeBatches(IReadOnlyList<Tensor> inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        if (Normalize) (a, b) = (L2Normalize(a), L2Normalize(b));
        return Tensor.Sum(Tensor.Multiply(a, b), 1, keepDims: true);
    }

    private static Tensor L2Normalize(Tensor x)
    {
        var squaredNorm = Tensor.Sum(Tensor.Multiply(x, x), 1, keepDims: true);
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
