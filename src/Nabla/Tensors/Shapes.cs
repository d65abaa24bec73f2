namespace Nabla.Tensors;

/// <summary>Shape arithmetic shared by the tensor machinery, which knows shapes but not <see cref="Tensor"/>.</summary>
internal static class Shapes
{
    /// <summary>The number of elements of a shape (dimensions validated non-negative by the caller), checked: a
    /// product past <see cref="long.MaxValue"/> is refused with an <see cref="ArgumentException"/>, not wrapped.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d != 0 && n > long.MaxValue / d)
                throw new ArgumentException($"Shape {Describe(shape)} has more elements than a 64-bit count holds.");
            n *= d;
        }
        return n;
    }

    /// <summary>[2, 3] style, as errors print shapes.</summary>
    public static string Describe(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static bool Same(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
