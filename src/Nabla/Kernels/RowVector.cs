using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// A row vector against the rows of a [rows, width] matrix: adding a bias to every row, and summing the
/// rows (the bias gradient). Written as one SIMD loop rather than a library call per row, because a
/// dense layer's rows are short (10–128 values) and per-call overhead would dominate.
/// </summary>
public static class RowVector
{
    /// <summary>matrix[r, :] += vector for every row r.</summary>
    public static void AddToRows(Span<float> matrix, ReadOnlySpan<float> vector)
    {
        int width = vector.Length;
        if (width == 0) return;
        if (matrix.Length % width != 0)
            throw new ArgumentException($"A matrix of {matrix.Length} values does not split into rows of {width}.", nameof(matrix));
        for (int start = 0; start < matrix.Length; start += width)
            AddInPlace(matrix.Slice(start, width), vector);
    }

    /// <summary>sums[j] = Σ_r matrix[r, j] (or += with <paramref name="accumulate"/>).</summary>
    public static void SumRows(ReadOnlySpan<float> matrix, Span<float> sums, bool accumulate)
    {
        int width = sums.Length;
        if (width == 0) return;
        if (matrix.Length % width != 0)
            throw new ArgumentException($"A matrix of {matrix.Length} values does not split into rows of {width}.", nameof(matrix));
        if (!accumulate) sums.Clear();
        for (int start = 0; start < matrix.Length; start += width)
            AddInPlace(sums, matrix.Slice(start, width));
    }

    /// <summary>target += source, element-wise (equal lengths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddInPlace(Span<float> target, ReadOnlySpan<float> source)
    {
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float s = ref MemoryMarshal.GetReference(source);
        int n = target.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref t, (nuint)i) + Vector512.LoadUnsafe(ref s, (nuint)i), ref t, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref t, (nuint)i) + Vector256.LoadUnsafe(ref s, (nuint)i), ref t, (nuint)i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref t, (nuint)i) + Vector128.LoadUnsafe(ref s, (nuint)i), ref t, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref t, i) += Unsafe.Add(ref s, i);
    }
}
