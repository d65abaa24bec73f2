using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the micro-kernels' layouts, resolving the transposes here so
/// one micro-kernel serves all four combinations. Partial panels are padded with zeros, which add
/// nothing to the products and let edge tiles run the same micro-kernel.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[row0..row0+rows, p0..p0+kc] as ⌈rows/mr⌉ panels; panel element (p, i) at p·mr + i.
    /// op(A)[i, p] = a[i·lda + p], or a[p·lda + i] when <paramref name="transA"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, nint lda, int row0, int rows, int p0, int kc, int mr, float* dest)
    {
        for (int ir = 0; ir < rows; ir += mr, dest += (nint)mr * kc)
        {
            int valid = Math.Min(mr, rows - ir);
            if (transA)
            {
                // Rows of op(A) are adjacent in memory: copy mr of them per k step.
                float* src = a + (nint)p0 * lda + row0 + ir;
                for (int p = 0; p < kc; p++) CopyPadded(src + p * lda, dest + (nint)p * mr, valid, mr);
            }
            else
            {
                // Each row of op(A) is contiguous in k: transpose rows into the interleaved panel.
                TransposeCopy.Run(a + (nint)(row0 + ir) * lda + p0, lda, valid, kc, dest, mr);
                for (int i = valid; i < mr; i++)
                    for (int p = 0; p < kc; p++) dest[(nint)p * mr + i] = 0;
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, col0..col0+cols] as ⌈cols/nr⌉ panels; panel element (p, j) at p·nr + j.
    /// op(B)[p, j] = b[p·ldb + j], or b[j·ldb + p] when <paramref name="transB"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, nint ldb, int p0, int kc, int col0, int cols, int nr, float* dest)
    {
        for (int jr = 0; jr < cols; jr += nr, dest += (nint)nr * kc)
        {
            int valid = Math.Min(nr, cols - jr);
            if (!transB)
            {
                float* src = b + (nint)p0 * ldb + col0 + jr;
                for (int p = 0; p < kc; p++) CopyPadded(src + p * ldb, dest + (nint)p * nr, valid, nr);
            }
            else
            {
                TransposeCopy.Run(b + (nint)(col0 + jr) * ldb + p0, ldb, valid, kc, dest, nr);
                for (int j = valid; j < nr; j++)
                    for (int p = 0; p < kc; p++) dest[(nint)p * nr + j] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* dest, int valid, int total)
    {
        Unsafe.CopyBlockUnaligned(dest, src, (uint)(valid * sizeof(float)));
        if (valid < total) Unsafe.InitBlockUnaligned(dest + valid, 0, (uint)((total - valid) * sizeof(float)));
    }
}
