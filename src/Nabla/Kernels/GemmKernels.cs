using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>One micro-kernel and the cache blocking tuned for it.</summary>
/// <remarks>
/// BLIS loop nest: NC columns of B (packed, L3) → KC deep slice → MC rows of A (packed, L2) → NR×MR
/// register tiles. KC is chosen so a KC×NR B micro-panel stays in L1 (48 KB on Zen 5) while A
/// micro-panels stream from L2 (1 MB); MC·KC floats of packed A then take a fraction of L2.
/// </remarks>
internal readonly unsafe struct MicroKernel(
    GemmPath path, int mr, int nr, int mc, int kc, int nc,
    delegate*<int, float*, float*, nint, float*, nint, bool, void> run)
{
    public readonly GemmPath Path = path;
    public readonly int MR = mr, NR = nr, MC = mc, KC = kc, NC = nc;
    public readonly delegate*<int, float*, float*, nint, float*, nint, bool, void> Run = run;
}

/// <summary>Run-time choice of the SGEMM micro-kernel from the CPU's instruction sets.</summary>
internal static unsafe class GemmKernels
{
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Auto or GemmPath.Reference => true,
        GemmPath.Avx512 => MicroKernelAvx512.IsSupported,
        GemmPath.Avx2 => MicroKernelAvx2.IsSupported,
        GemmPath.Vector => MicroKernelVector128.IsSupported,
        _ => false,
    };

    public static void ThrowIfUnsupported(GemmPath path)
    {
        if (!IsSupported(path))
            throw new NotSupportedException(
                $"GEMM path {path} is not supported by this CPU ({Describe(path)}); supported paths: " +
                string.Join(", ", Enum.GetValues<GemmPath>().Where(IsSupported)) + ".");
    }

    /// <summary>The path <see cref="Gemm.Multiply"/> takes now: the forced one, or the fastest supported.</summary>
    public static GemmPath Current => KernelSettings.ForcedPath == GemmPath.Auto ? Best : KernelSettings.ForcedPath;

    /// <summary>The fastest path this CPU supports.</summary>
    public static GemmPath Best =>
        MicroKernelAvx512.IsSupported ? GemmPath.Avx512
        : MicroKernelAvx2.IsSupported ? GemmPath.Avx2
        : MicroKernelVector128.IsSupported ? GemmPath.Vector
        : GemmPath.Reference;

    /// <summary>The micro-kernel and blocking for <paramref name="path"/> and an output <paramref name="n"/> columns wide.</summary>
    public static MicroKernel For(GemmPath path, int n) => path switch
    {
        GemmPath.Avx512 when n <= MicroKernelAvx512Narrow.NR =>
            new(path, MicroKernelAvx512Narrow.MR, MicroKernelAvx512Narrow.NR, 256, 256, 4096, &MicroKernelAvx512Narrow.Run),
        GemmPath.Avx512 => new(path, MicroKernelAvx512.MR, MicroKernelAvx512.NR, 256, 256, 4096, &MicroKernelAvx512.Run),
        GemmPath.Avx2 => new(path, MicroKernelAvx2.MR, MicroKernelAvx2.NR, 144, 256, 4096, &MicroKernelAvx2.Run),
        GemmPath.Vector => new(path, MicroKernelVector128.MR, MicroKernelVector128.NR, 128, 256, 4096, &MicroKernelVector128.Run),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Only the packed paths have a micro-kernel."),
    };

    private static string Describe(GemmPath path) => path switch
    {
        GemmPath.Avx512 => "needs AVX-512F",
        GemmPath.Avx2 => "needs AVX2 and FMA",
        GemmPath.Vector => "needs hardware-accelerated Vector128",
        _ => "unknown path",
    };
}
