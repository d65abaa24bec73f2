namespace Nabla.Tensors;

/// <summary>Validation and normalisation of axis arguments (negative axes count from the end, as in NumPy).</summary>
internal static class Axes
{
    public static int Normalize(int axis, int rank, string opName)
    {
        int normalized = axis < 0 ? axis + rank : axis;
        if ((uint)normalized >= (uint)rank)
            throw new ArgumentOutOfRangeException(nameof(axis),
                $"{opName}: axis {axis} is out of range for a tensor of rank {rank} (valid: {-rank}..{rank - 1}).");
        return normalized;
    }

    /// <summary>Sorted, distinct, non-negative axes; null means every axis.</summary>
    public static int[] NormalizeMany(int[]? axes, int rank, string opName)
    {
        if (axes is null) return Enumerable.Range(0, rank).ToArray();
        var result = axes.Select(a => Normalize(a, rank, opName)).OrderBy(a => a).ToArray();
        for (int i = 1; i < result.Length; i++)
            if (result[i] == result[i - 1])
                throw new ArgumentException($"{opName}: axis {result[i]} is listed twice in [{string.Join(", ", axes)}].", nameof(axes));
        return result;
    }

    /// <summary>The shape after reducing <paramref name="axes"/>: size 1 there when keeping dims, else removed.</summary>
    public static int[] Reduced(int[] shape, int[] axes, bool keepDims)
    {
        var result = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (Array.IndexOf(axes, i) < 0) result.Add(shape[i]);
            else if (keepDims) result.Add(1);
        }
        return result.ToArray();
    }
}
