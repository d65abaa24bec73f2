using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// c[1×n] (= or +=) a[1×k]·B[k×n] for a single row (a dense layer at batch 1, e.g. Predict sample by
/// sample). The packed driver would pad the row to a whole MR-row panel (8 or 16 rows, all but one zeros)
/// and pack it first, which made a 784×128 product several times slower than this streaming loop.
/// Each output is accumulated exactly as the micro-kernels accumulate it (one fused multiply-add per k
/// step, k in order, starting from 0 or from c), so a row gives bitwise the same result here as inside a
/// larger batch.
/// </summary>
internal static unsafe class RowTimesMatrix
{
    /// <summary>Only the FMA paths: there the fused rounding of each step is what the micro-kernels do.</summary>
    public static bool Handles(GemmPath path) => path is GemmPath.Avx512 or GemmPath.Avx2;

    /// <summary>B is row-major with rows <paramref name="ldb"/> floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(GemmPath path, int n, int k, float* a, float* b, nint ldb, float* c, bool accumulate)
    {
        int j = 0;
        if (path == GemmPath.Avx512)
        {
            // Each k step depends on the previous one (the order must stay the micro-kernels'), so the FMA
            // latency (4 cycles) × 2 pipes needs 8 independent accumulators to keep the units busy.
            for (; j + 128 <= n; j += 128) Avx512Columns128(k, a, b + j, ldb, c + j, accumulate);
            for (; j + 64 <= n; j += 64) Avx512Columns(k, a, b + j, ldb, c + j, accumulate);
            for (; j + 16 <= n; j += 16) Avx512Column(k, a, b + j, ldb, c + j, accumulate);
        }
        else
        {
            for (; j + 32 <= n; j += 32) Avx2Columns(k, a, b + j, ldb, c + j, accumulate);
            for (; j + 8 <= n; j += 8) Avx2Column(k, a, b + j, ldb, c + j, accumulate);
        }
        if (j < n) ScalarColumns(k, a, b + j, ldb, c + j, n - j, accumulate);
    }

    private static void Avx512Columns128(int k, float* a, float* b, nint ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Vector512.Load(c) : Vector512<float>.Zero;
        var c1 = accumulate ? Vector512.Load(c + 16) : Vector512<float>.Zero;
        var c2 = accumulate ? Vector512.Load(c + 32) : Vector512<float>.Zero;
        var c3 = accumulate ? Vector512.Load(c + 48) : Vector512<float>.Zero;
        var c4 = accumulate ? Vector512.Load(c + 64) : Vector512<float>.Zero;
        var c5 = accumulate ? Vector512.Load(c + 80) : Vector512<float>.Zero;
        var c6 = accumulate ? Vector512.Load(c + 96) : Vector512<float>.Zero;
        var c7 = accumulate ? Vector512.Load(c + 112) : Vector512<float>.Zero;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var ap = Vector512.Create(a[p]);
            c0 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b), c0);
            c1 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 16), c1);
            c2 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 32), c2);
            c3 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 48), c3);
            c4 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 64), c4);
            c5 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 80), c5);
            c6 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 96), c6);
            c7 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 112), c7);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48);
        c4.Store(c + 64); c5.Store(c + 80); c6.Store(c + 96); c7.Store(c + 112);
    }

    private static void Avx512Columns(int k, float* a, float* b, nint ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Vector512.Load(c) : Vector512<float>.Zero;
        var c1 = accumulate ? Vector512.Load(c + 16) : Vector512<float>.Zero;
        var c2 = accumulate ? Vector512.Load(c + 32) : Vector512<float>.Zero;
        var c3 = accumulate ? Vector512.Load(c + 48) : Vector512<float>.Zero;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var ap = Vector512.Create(a[p]);
            c0 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b), c0);
            c1 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 16), c1);
            c2 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 32), c2);
            c3 = Avx512F.FusedMultiplyAdd(ap, Vector512.Load(b + 48), c3);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48);
    }

    private static void Avx512Column(int k, float* a, float* b, nint ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Vector512.Load(c) : Vector512<float>.Zero;
        for (int p = 0; p < k; p++, b += ldb) c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(b), c0);
        c0.Store(c);
    }

    private static void Avx2Columns(int k, float* a, float* b, nint ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Vector256.Load(c) : Vector256<float>.Zero;
        var c1 = accumulate ? Vector256.Load(c + 8) : Vector256<float>.Zero;
        var c2 = accumulate ? Vector256.Load(c + 16) : Vector256<float>.Zero;
        var c3 = accumulate ? Vector256.Load(c + 24) : Vector256<float>.Zero;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var ap = Vector256.Create(a[p]);
            c0 = Fma.MultiplyAdd(ap, Vector256.Load(b), c0);
            c1 = Fma.MultiplyAdd(ap, Vector256.Load(b + 8), c1);
            c2 = Fma.MultiplyAdd(ap, Vector256.Load(b + 16), c2);
            c3 = Fma.MultiplyAdd(ap, Vector256.Load(b + 24), c3);
        }
        c0.Store(c); c1.Store(c + 8); c2.Store(c + 16); c3.Store(c + 24);
    }

    private static void Avx2Column(int k, float* a, float* b, nint ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Vector256.Load(c) : Vector256<float>.Zero;
        for (int p = 0; p < k; p++, b += ldb) c0 = Fma.MultiplyAdd(Vector256.Create(a[p]), Vector256.Load(b), c0);
        c0.Store(c);
    }

    /// <summary>The last columns (fewer than one vector), one scalar fused multiply-add per step: the
    /// same rounding as a vector lane. Up to 15 chains interleave, k outer.</summary>
    private static void ScalarColumns(int k, float* a, float* b, nint ldb, float* c, int count, bool accumulate)
    {
        float* acc = stackalloc float[count];
        for (int j = 0; j < count; j++) acc[j] = accumulate ? c[j] : 0f;
        for (int p = 0; p < k; p++, b += ldb)
        {
            float ap = a[p];
            for (int j = 0; j < count; j++) acc[j] = MathF.FusedMultiplyAdd(ap, b[j], acc[j]);
        }
        for (int j = 0; j < count; j++) c[j] = acc[j];
    }
}
