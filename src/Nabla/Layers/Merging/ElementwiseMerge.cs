namespace Nabla.Layers;

/// <summary>
/// Merge layers that combine their inputs element by element (Add, Subtract, Multiply, Average, Maximum,
/// Minimum). Per-sample shapes broadcast as in Keras's <c>_compute_elemwise_op_output_shape</c>: aligned on
/// their last axes, a dimension of 1 stretches, other dimensions must be equal. An input of lower rank gets
/// axes of size 1 inserted after the batch axis, as Keras's merge does with <c>expand_dims(x, axis=1)</c>.
/// </summary>
public abstract class ElementwiseMerge(string? name) : Merge(name)
{
    protected override int[] ComputeMergedShape(IReadOnlyList<int[]> inputShapes)
    {
        var output = inputShapes[0];
        for (int i = 1; i < inputShapes.Count; i++) output = Broadcast(output, inputShapes[i], inputShapes);
        return output;
    }

    private int[] Broadcast(int[] a, int[] b, IReadOnlyList<int[]> all)
    {
        if (a.Length < b.Length) (a, b) = (b, a);
        var result = (int[])a.Clone();
        int offset = a.Length - b.Length;
        for (int i = 0; i < b.Length; i++)
        {
            int x = a[offset + i], y = b[i];
            // As Keras, an unknown length on either side leaves the output's unknown; the data checks it.
            if (x == UnknownDimension || y == UnknownDimension) result[offset + i] = UnknownDimension;
            else if (x == 1) result[offset + i] = y;
            else if (y != 1 && x != y)
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}): inputs have incompatible shapes {DescribeAll(all)}; per-sample dimensions must be equal or 1.");
        }
        return result;
    }

    protected override Tensor MergeBatches(IReadOnlyList<Tensor> inputs)
    {
        int rank = inputs.Max(t => t.Rank);
        var result = Aligned(inputs[0], rank);
        for (int i = 1; i < inputs.Count; i++) result = Combine(result, Aligned(inputs[i], rank));
        return Finish(result, inputs.Count);
    }

    /// <summary>Combines the running result with the next input.</summary>
    protected abstract Tensor Combine(Tensor accumulated, Tensor next);

    /// <summary>A last step on the combined result (Average divides by the input count).</summary>
    protected virtual Tensor Finish(Tensor combined, int inputCount) => combined;

    /// <summary>Inserts axes of size 1 after the batch axis up to <paramref name="rank"/>.</summary>
    private static Tensor Aligned(Tensor t, int rank)
    {
        if (t.Rank == rank) return t;
        var shape = new int[rank];
        shape[0] = t.Shape[0];
        for (int i = 1; i <= rank - t.Rank; i++) shape[i] = 1;
        t.Shape.AsSpan(1).CopyTo(shape.AsSpan(1 + rank - t.Rank));
        return Tensor.Reshape(t, shape);
    }

    public override Configuration.Config GetConfig() => BaseConfig(this);
}

/// <summary>Keras's <c>Add</c>: the sum of its inputs.</summary>
public sealed class Add(string? name = null) : ElementwiseMerge(name)
{
    public override string ClassName => "Add";

    protected override Tensor Combine(Tensor accumulated, Tensor next) => Tensor.Add(accumulated, next);

    public static Add FromConfig(Configuration.Config config) => new(BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
}

/// <summary>Keras's <c>Subtract</c>: the first input minus the second (exactly two inputs).</summary>
public sealed class Subtract(string? name = null) : ElementwiseMerge(name)
{
    public override string ClassName => "Subtract";

    protected override int[] ComputeMergedShape(IReadOnlyList<int[]> inputShapes)
    {
        // keras/src/layers/merging/subtract.py: "A `Subtract` layer should be called on exactly 2 inputs."
        if (inputShapes.Count != 2)
            throw new ArgumentException($"Layer '{Name}' (Subtract) must be called on exactly 2 inputs; got {inputShapes.Count}.");
        return base.ComputeMergedShape(inputShapes);
    }

    protected override Tensor Combine(Tensor accumulated, Tensor next) => Tensor.Subtract(accumulated, next);

    public static Subtract FromConfig(Configuration.Config config) => new(BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
}

/// <summary>Keras's <c>Multiply</c>: the element-wise product of its inputs.</summary>
public sealed class Multiply(string? name = null) : ElementwiseMerge(name)
{
    public override string ClassName => "Multiply";

    protected override Tensor Combine(Tensor accumulated, Tensor next) => Tensor.Multiply(accumulated, next);

    public static Multiply FromConfig(Configuration.Config config) => new(BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
}

/// <summary>Keras's <c>Average</c>: the mean of its inputs.</summary>
public sealed class Average(string? name = null) : ElementwiseMerge(name)
{
    public override string ClassName => "Average";

    protected override Tensor Combine(Tensor accumulated, Tensor next) => Tensor.Add(accumulated, next);

    protected override Tensor Finish(Tensor combined, int inputCount) => Tensor.Multiply(combined, Tensor.Scalar(1f / inputCount));

    public static Average FromConfig(Configuration.Config config) => new(BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
}

/// <summary>Keras's <c>Maximum</c>: the element-wise maximum of its inputs (the gradient goes to the larger one).</summary>
public sealed class Maximum(string? name = null) : ElementwiseMerge(name)
{
    public override string ClassName => "Maximum";

    protected override Tensor Combine(Tensor accumulated, Tensor next) =>
        Tensor.Where(Tensor.Less(accumulated, next), next, accumulated);

    public static Maximum FromConfig(Configuration.Config config) => new(BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
}

/// <summary>Keras's <c>Minimum</c>: the element-wise minimum of its inputs (the gradient goes to the smaller one).</summary>
public sealed class Minimum(string? name = null) : ElementwiseMerge(name)
{
    public override string ClassName => "Minimum";

    protected override Tensor Combine(Tensor accumulated, Tensor next) =>
        Tensor.Where(Tensor.Greater(accumulated, next), next, accumulated);

    public static Minimum FromConfig(Configuration.Config config) => new(BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
}
