namespace Nabla.Kernels;

/// <summary>
/// Single-precision matrix multiply on contiguous row-major matrices:
/// C[m×n] = op(A)·op(B) (+ C when <c>accumulate</c>), where op(A) is m×k and op(B) is k×n.
/// A is stored m×k, or k×m when <c>transA</c>; B is stored k×n, or n×k when <c>transB</c>.
/// </summary>
/// <remarks>
/// Runs the packed, cache-blocked driver (<see cref="GemmDriver"/>) with the best micro-kernel for this
/// CPU (or <see cref="KernelSettings.ForcedPath"/>), on up to <see cref="KernelSettings.MaxThreads"/>
/// threads. Steady-state calls allocate no managed memory; results are bitwise reproducible.
/// </remarks>
public static unsafe partial class Gemm
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        MultiplyOn(GemmKernels.Current, KernelSettings.MaxThreads, transA, transB, m, n, k, a, b, c, accumulate);
    }

    /// <summary>
    /// <see cref="Multiply"/> on an explicit path and thread budget, ignoring <see cref="KernelSettings"/>:
    /// lets tests and benchmarks compare paths without touching process-wide settings.
    /// </summary>
    internal static void MultiplyOn(GemmPath path, int maxThreads, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        CheckSizes(m, n, k, a.Length, b.Length, c.Length);
        if (maxThreads < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "maxThreads must be >= 1.");
        if (path == GemmPath.Auto) path = GemmKernels.Best;
        GemmKernels.ThrowIfUnsupported(path);
        if (path == GemmPath.Reference)
        {
            Reference(transA, transB, m, n, k, a, b, c, accumulate);
            return;
        }
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            // An empty sum: C = 0, or C unchanged when accumulating.
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            // One row (either layout of A is then its k values in order): a streaming loop beats packing.
            if (m == 1 && !transB && RowTimesMatrix.Handles(path))
            {
                RowTimesMatrix.Run(path, n, k, pa, pb, n, pc, accumulate);
                return;
            }
            GemmDriver.Multiply(GemmKernels.For(path, n), maxThreads, transA, transB, m, n, k, pa, pb, pc, accumulate);
        }
    }

    /// <summary>
    /// The block <paramref name="rows"/> × <paramref name="columns"/> of C = op(A)·op(B) (+ C), summing only over
    /// <paramref name="depth"/> (a range of k; all of k when null), on the calling thread. Over all of k, each element is bitwise the
    /// one <see cref="Multiply"/> computes. For callers that split a product between threads themselves, so that
    /// each thread keeps working on the same block (a dense layer's batch rows, weight rows or input features)
    /// step after step. Needs m ≥ 2 (a single row takes another code path in <see cref="Multiply"/>).
    /// </summary>
    internal static void MultiplyBlock(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate, Range rows, Range columns,
        Range? depth = null)
    {
        CheckSizes(m, n, k, a.Length, b.Length, c.Length);
        if (m < 2) throw new ArgumentOutOfRangeException(nameof(m), m, "MultiplyBlock needs at least 2 rows.");
        var (i0, rowCount) = Within(rows, m, nameof(rows), "m");
        var (j0, columnCount) = Within(columns, n, nameof(columns), "n");
        var (p0, depthCount) = Within(depth ?? .., k, nameof(depth), "k");
        if (rowCount == 0 || columnCount == 0) return;
        var path = GemmKernels.Current;
        if (path == GemmPath.Reference || depthCount == 0)
        {
            ReferenceBlock(transA, transB, m, n, k, a, b, c, accumulate, (i0, rowCount), (j0, columnCount), (p0, depthCount));
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            // Start A and B at k = p0; their leading dimensions stay those of the whole matrices.
            float* aFrom = transA ? pa + (nint)p0 * m : pa + p0;
            float* bFrom = transB ? pb + p0 : pb + (nint)p0 * n;
            GemmDriver.MultiplyBlock(GemmKernels.For(path, n), transA, transB, m, n, depthCount, aFrom, transA ? m : k,
                bFrom, transB ? k : n, pc, n, accumulate, i0, i0 + rowCount, j0, j0 + columnCount);
        }
    }

    private static (int Offset, int Length) Within(Range range, int size, string argument, string sizeName)
    {
        int start = range.Start.GetOffset(size), end = range.End.GetOffset(size);
        if (start < 0 || end > size || start > end)
            throw new ArgumentOutOfRangeException(argument,
                $"MultiplyBlock '{argument}' is {range}, which is not a range within [0, {sizeName} = {size}).");
        return (start, end - start);
    }

    /// <summary><see cref="Reference"/> over a block of C and a range of k.</summary>
    private static void ReferenceBlock(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a,
        ReadOnlySpan<float> b, Span<float> c, bool accumulate, (int Start, int Count) rows, (int Start, int Count) columns,
        (int Start, int Count) depth)
    {
        for (int i = rows.Start; i < rows.Start + rows.Count; i++)
            for (int j = columns.Start; j < columns.Start + columns.Count; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0;
                for (int p = depth.Start; p < depth.Start + depth.Count; p++)
                    sum += (double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = (float)sum;
            }
    }

    /// <summary>The naive triple loop, accumulated in double: the yardstick every fast path is tested against.</summary>
    public static void Reference(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate = false)
    {
        CheckSizes(m, n, k, a.Length, b.Length, c.Length);
        ReferenceBlock(transA, transB, m, n, k, a, b, c, accumulate, (0, m), (0, n), (0, k));
    }

    private static void CheckSizes(int m, int n, int k, int aLength, int bLength, int cLength)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Negative GEMM size m={m}, n={n}, k={k}.");
        if (aLength < (long)m * k) throw new ArgumentException($"A holds {aLength} values, needs m·k = {(long)m * k}.");
        if (bLength < (long)k * n) throw new ArgumentException($"B holds {bLength} values, needs k·n = {(long)k * n}.");
        if (cLength < (long)m * n) throw new ArgumentException($"C holds {cLength} values, needs m·n = {(long)m * n}.");
    }
}
