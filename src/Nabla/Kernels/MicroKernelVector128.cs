using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// 4×8 SGEMM micro-kernel on portable Vector128 (SSE, NEON, ...): 8 accumulators fit any 16-register ISA.
/// MultiplyAddEstimate fuses where the hardware can and falls back to multiply + add elsewhere.
/// </summary>
internal static unsafe class MicroKernelVector128
{
    public const int MR = 4, NR = 8;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    /// <summary>
    /// C[4×8] (= or +=) Apanel·Bpanel over kc steps. <paramref name="a"/> is a packed A micro-panel
    /// (4 values per k step); <paramref name="b"/> holds 8 contiguous values per k step, k steps
    /// <paramref name="ldb"/> floats apart (a packed panel, or B itself when it need not be packed).
    /// <paramref name="load"/> = false overwrites C, true adds to it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, bool load)
    {
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (load)
        {
            c00 = Vector128.Load(c + 0 * ldc + 0); c01 = Vector128.Load(c + 0 * ldc + 4);
            c10 = Vector128.Load(c + 1 * ldc + 0); c11 = Vector128.Load(c + 1 * ldc + 4);
            c20 = Vector128.Load(c + 2 * ldc + 0); c21 = Vector128.Load(c + 2 * ldc + 4);
            c30 = Vector128.Load(c + 3 * ldc + 0); c31 = Vector128.Load(c + 3 * ldc + 4);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector128<float>.Zero;
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0); var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00); c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10); c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20); c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30); c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
            a += 4;
            b += ldb;
        }
        c00.Store(c + 0 * ldc + 0); c01.Store(c + 0 * ldc + 4);
        c10.Store(c + 1 * ldc + 0); c11.Store(c + 1 * ldc + 4);
        c20.Store(c + 2 * ldc + 0); c21.Store(c + 2 * ldc + 4);
        c30.Store(c + 3 * ldc + 0); c31.Store(c + 3 * ldc + 4);
    }
}
