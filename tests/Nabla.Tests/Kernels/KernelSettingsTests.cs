using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Changes process-wide settings, so it runs alone.</summary>
[CollectionDefinition(nameof(KernelSettingsTests), DisableParallelization = true)]
public sealed class KernelSettingsCollection;

[Collection(nameof(KernelSettingsTests))]
public class KernelSettingsTests
{
    [Fact]
    public void MaxThreadsDefaultsToProcessorCountAndRejectsZero()
    {
        Assert.Equal(Environment.ProcessorCount, KernelSettings.MaxThreads);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KernelSettings.MaxThreads = 0);
        Assert.Contains("MaxThreads", e.Message);
        Assert.Equal(Environment.ProcessorCount, KernelSettings.MaxThreads);
    }

    [Theory]
    [InlineData(GemmPath.Avx512)]
    [InlineData(GemmPath.Avx2)]
    [InlineData(GemmPath.Vector)]
    [InlineData(GemmPath.Reference)]
    public void ForcingAPathIsHonouredOrRefusedWhenUnsupported(GemmPath path)
    {
        try
        {
            if (!GemmKernels.IsSupported(path))
            {
                var e = Assert.Throws<NotSupportedException>(() => KernelSettings.ForcedPath = path);
                Assert.Contains(path.ToString(), e.Message);
                return;
            }
            KernelSettings.ForcedPath = path;
            Assert.Equal(path, GemmKernels.Current);
            // The forced path gives the same bits as calling that path directly.
            var (a, b, c0) = GemmTests.Operands(9, 40, 17, seed: 3);
            var viaSetting = (float[])c0.Clone();
            var direct = (float[])c0.Clone();
            Gemm.Multiply(true, false, 9, 40, 17, a, b, viaSetting, accumulate: true);
            Gemm.MultiplyOn(path, 1, true, false, 9, 40, 17, a, b, direct, accumulate: true);
            Assert.Equal(direct, viaSetting);
        }
        finally
        {
            KernelSettings.ForcedPath = GemmPath.Auto;
        }
    }

    [Fact]
    public void UnknownPathIsRejectedListingTheValidOnes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KernelSettings.ForcedPath = (GemmPath)42);
        Assert.Contains("Avx512", e.Message);
        Assert.Equal(GemmPath.Auto, KernelSettings.ForcedPath);
    }

    [Fact]
    public void AutoPicksTheWidestSupportedKernel()
    {
        var expected = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? GemmPath.Avx512
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? GemmPath.Avx2
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? GemmPath.Vector
            : GemmPath.Reference;
        Assert.Equal(expected, GemmKernels.Best);
    }
}
