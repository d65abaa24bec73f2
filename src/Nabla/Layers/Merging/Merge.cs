using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Base of Keras's merge layers (keras/src/layers/merging/base_merge.py): a layer called on a list of at
/// least two tensors with the same batch, whose per-sample shapes must be compatible as each subclass says.
/// </summary>
public abstract class Merge : Layer
{
    private int[]? mergedShape;
    private int[][]? inputShapes;

    protected Merge(string? name) : base(name, null) { }

    /// <summary>The per-sample shapes of the inputs the layer was built for; null until built.</summary>
    public IReadOnlyList<int[]>? InputShapes => inputShapes;

    /// <summary>The per-sample output shape for these input shapes, or an ArgumentException naming the layer.</summary>
    protected abstract int[] ComputeMergedShape(IReadOnlyList<int[]> inputShapes);

    /// <summary>Merges batches whose shapes <see cref="ComputeMergedShape"/> accepted.</summary>
    protected abstract Tensor MergeBatches(IReadOnlyList<Tensor> inputs);

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> shapes)
    {
        if (shapes.Count < 2)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) must be called on a list of at least 2 inputs; got {shapes.Count}.");
        if (inputShapes is not null)
        {
            // An axis built unknown (Keras's None) takes any length.
            bool same = shapes.Count == inputShapes.Length && shapes.Select((s, i) => Fits(inputShapes[i], s)).All(b => b);
            if (!same)
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}) was built for inputs {DescribeAll(inputShapes)} but receives {DescribeAll(shapes)}.");
            // Built with an unknown axis, the output's length on it is the data's.
            return Array.IndexOf(mergedShape!, UnknownDimension) >= 0 ? ComputeMergedShape(shapes) : OutputShape!;
        }
        mergedShape = ComputeMergedShape(shapes);
        inputShapes = shapes.Select(s => (int[])s.Clone()).ToArray();
        Build(shapes[0]);
        return OutputShape!;
    }

    /// <summary>The subclass checks the inputs' shapes against each other, unknown axes included.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape) =>
        mergedShape ?? throw new ArgumentException(
            $"Layer '{Name}' ({ClassName}) merges a list of inputs; call it with Apply(a, b, ...) or on a list of tensors.");

    public override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"Layer '{Name}' ({ClassName}) must be called on a list of at least 2 inputs; got one tensor.");

    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        var shapes = inputs.Select(t => t.Shape[1..]).ToArray();
        BuildForInputs(shapes); // builds on the first call, checks the shapes on the next ones
        int batch = inputs[0].Shape[0];
        for (int i = 1; i < inputs.Count; i++)
            if (inputs[i].Shape[0] != batch)
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}) cannot merge tensors with different batch sizes: {Tensor.ShapeString(inputs[0].Shape)} and {Tensor.ShapeString(inputs[i].Shape)}.");
        return MergeBatches(inputs);
    }

    internal static string DescribeAll(IEnumerable<int[]> shapes) => "[" + string.Join(", ", shapes.Select(Describe)) + "]";

    protected static Config BaseConfig(Merge layer) => layer.GetBaseConfig();

    private Config GetBaseConfig() => base.GetConfig();
}
