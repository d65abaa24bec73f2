using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// Per-thread packing buffers for the GEMM driver, grown on demand and then reused, so a steady-state
/// GEMM allocates nothing. They live on the pinned object heap (never move, so raw pointers stay valid)
/// and are 64-byte aligned for full-cache-line vector loads.
/// </summary>
internal static unsafe class PackBuffers
{
    private const int AlignFloats = 16;

    [ThreadStatic] private static float[]? aArray, bArray;
    [ThreadStatic] private static nint aStart, bStart;

    public static float* ForA(int floats) => Get(ref aArray, ref aStart, floats);

    public static float* ForB(int floats) => Get(ref bArray, ref bStart, floats);

    private static float* Get(ref float[]? array, ref nint start, int floats)
    {
        if (array == null || array.Length - AlignFloats < floats)
        {
            array = GC.AllocateUninitializedArray<float>(floats + AlignFloats, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref array[0]);
            start = (address + 63) & ~(nint)63;
        }
        return (float*)start;
    }
}
