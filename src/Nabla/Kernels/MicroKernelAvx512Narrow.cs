using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// 16×16 SGEMM micro-kernel on Vector512 for narrow outputs (n ≤ 16, e.g. a 10-class classifier layer):
/// the 8×32 kernel would spend over two thirds of its FMAs on padding there. 16 accumulators again;
/// one B vector and 16 broadcasts per k step keep the loads and the FMAs roughly balanced.
/// </summary>
internal static unsafe class MicroKernelAvx512Narrow
{
    public const int MR = 16, NR = 16;

    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Same contract as <see cref="MicroKernelAvx512.Run"/>, on a 16×16 tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool load)
    {
        Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15;
        if (load)
        {
            c0 = Vector512.Load(c + 0 * ldc + 0);
            c1 = Vector512.Load(c + 1 * ldc + 0);
            c2 = Vector512.Load(c + 2 * ldc + 0);
            c3 = Vector512.Load(c + 3 * ldc + 0);
            c4 = Vector512.Load(c + 4 * ldc + 0);
            c5 = Vector512.Load(c + 5 * ldc + 0);
            c6 = Vector512.Load(c + 6 * ldc + 0);
            c7 = Vector512.Load(c + 7 * ldc + 0);
            c8 = Vector512.Load(c + 8 * ldc + 0);
            c9 = Vector512.Load(c + 9 * ldc + 0);
            c10 = Vector512.Load(c + 10 * ldc + 0);
            c11 = Vector512.Load(c + 11 * ldc + 0);
            c12 = Vector512.Load(c + 12 * ldc + 0);
            c13 = Vector512.Load(c + 13 * ldc + 0);
            c14 = Vector512.Load(c + 14 * ldc + 0);
            c15 = Vector512.Load(c + 15 * ldc + 0);
        }
        else
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = c8 = c9 = c10 = c11 = c12 = c13 = c14 = c15 = Vector512<float>.Zero;
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[8]), b0, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[9]), b0, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[10]), b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[11]), b0, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[12]), b0, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[13]), b0, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[14]), b0, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[15]), b0, c15);
            a += 16;
            b += ldb;
        }
        c0.Store(c + 0 * ldc + 0);
        c1.Store(c + 1 * ldc + 0);
        c2.Store(c + 2 * ldc + 0);
        c3.Store(c + 3 * ldc + 0);
        c4.Store(c + 4 * ldc + 0);
        c5.Store(c + 5 * ldc + 0);
        c6.Store(c + 6 * ldc + 0);
        c7.Store(c + 7 * ldc + 0);
        c8.Store(c + 8 * ldc + 0);
        c9.Store(c + 9 * ldc + 0);
        c10.Store(c + 10 * ldc + 0);
        c11.Store(c + 11 * ldc + 0);
        c12.Store(c + 12 * ldc + 0);
        c13.Store(c + 13 * ldc + 0);
        c14.Store(c + 14 * ldc + 0);
        c15.Store(c + 15 * ldc + 0);
    }
}
