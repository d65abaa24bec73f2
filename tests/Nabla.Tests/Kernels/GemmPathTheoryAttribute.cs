using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>A theory for one GEMM path, skipped (with the reason) when this CPU cannot run that path.</summary>
public sealed class GemmPathTheoryAttribute : TheoryAttribute
{
    public GemmPathTheoryAttribute(GemmPath path)
    {
        if (!GemmKernels.IsSupported(path))
            Skip = $"This CPU does not support the {path} GEMM path (Avx512F={System.Runtime.Intrinsics.X86.Avx512F.IsSupported}, " +
                   $"Avx2={System.Runtime.Intrinsics.X86.Avx2.IsSupported}, Fma={System.Runtime.Intrinsics.X86.Fma.IsSupported}, " +
                   $"Vector128 accelerated={System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}).";
    }
}
