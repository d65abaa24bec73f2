namespace Nabla.TorchParity.Support;

/// <summary>Small random tensors from fixed seeds, so every run compares the same numbers.</summary>
public static class TestData
{
    public static Tensor Uniform(int seed, double low, double high, params int[] shape)
    {
        var rng = new RandomGenerator(seed);
        var t = new Tensor(shape);
        for (int i = 0; i < t.Size; i++) t.Data[i] = (float)rng.Uniform(low, high);
        return t;
    }

    public static Tensor Normal(int seed, double std, params int[] shape)
    {
        var rng = new RandomGenerator(seed);
        var t = new Tensor(shape);
        for (int i = 0; i < t.Size; i++) t.Data[i] = (float)(std * rng.NextNormal());
        return t;
    }

    /// <summary>One-hot rows of random classes.</summary>
    public static Tensor OneHot(int seed, int rows, int classes) => OneHotOf(Labels(seed, rows, classes), classes);

    public static int[] Labels(int seed, int rows, int classes)
    {
        var rng = new RandomGenerator(seed);
        return Enumerable.Range(0, rows).Select(_ => rng.NextInt(classes)).ToArray();
    }

    public static Tensor OneHotOf(int[] labels, int classes)
    {
        var t = new Tensor(labels.Length, classes);
        for (int i = 0; i < labels.Length; i++) t[i, labels[i]] = 1f;
        return t;
    }

    /// <summary>Copies <paramref name="source"/>'s values into a layer weight (shapes must match).</summary>
    public static void Assign(Tensor weight, Tensor source)
    {
        if (!Shapes.Equal(weight.Shape, source.Shape))
            throw new ArgumentException($"Cannot assign {Tensor.ShapeString(source.Shape)} to weight {weight.Name} of shape {Tensor.ShapeString(weight.Shape)}.");
        source.Data.CopyTo(weight.Data, 0);
    }
}
