namespace Nabla.Kernels;

/// <summary>Which SGEMM implementation <see cref="Gemm.Multiply"/> uses.</summary>
public enum GemmPath
{
    /// <summary>The fastest path the CPU supports (AVX-512, then AVX2+FMA, then portable Vector128).</summary>
    Auto,
    /// <summary>Packed BLIS-style driver with the Vector512 FMA micro-kernel (needs AVX-512F).</summary>
    Avx512,
    /// <summary>Packed BLIS-style driver with the Vector256 FMA micro-kernel (needs AVX2 and FMA).</summary>
    Avx2,
    /// <summary>Packed BLIS-style driver with the portable Vector128 micro-kernel (needs hardware Vector128).</summary>
    Vector,
    /// <summary>The naive double-accumulating triple loop (<see cref="Gemm.Reference"/>), single-threaded.</summary>
    Reference,
}
