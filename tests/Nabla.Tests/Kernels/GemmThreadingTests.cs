using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Multi-threaded GEMM must give bit-for-bit the single-threaded result, and allocate nothing.</summary>
public class GemmThreadingTests
{
    public static TheoryData<GemmPath, int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<GemmPath, int, int, int, bool, bool>();
        foreach (var path in new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Vector })
        {
            if (!GemmKernels.IsSupported(path)) continue;
            // Above the parallel threshold; split over rows (m large), over columns (n large), ragged edges.
            data.Add(path, 257, 129, 300, false, false);
            data.Add(path, 64, 784, 128, false, true);
            data.Add(path, 784, 128, 64, true, false);
            data.Add(path, 1024, 128, 784, false, false);
            data.Add(path, 100, 333, 129, true, true);
            data.Add(path, 1024, 10, 512, false, false); // narrow output: the AVX-512 path's 16×16 kernel
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MultiThreadedIsBitwiseEqualToSingleThreaded(GemmPath path, int m, int n, int k, bool transA, bool transB)
    {
        // These sizes sit below the default threshold (dense layers run on one thread on the reference
        // machine), so force the parallel split. Other tests running meanwhile may then also split: harmless,
        // since every thread count gives the same bits, which is what this test checks.
        long threshold = KernelSettings.ParallelThresholdMacs;
        KernelSettings.ParallelThresholdMacs = 0;
        try
        {
            var (a, b, c0) = GemmTests.Operands(m, n, k, seed: 5);
            var single = (float[])c0.Clone();
            Gemm.MultiplyOn(path, 1, transA, transB, m, n, k, a, b, single, accumulate: true);
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var multi = (float[])c0.Clone();
                Gemm.MultiplyOn(path, threads, transA, transB, m, n, k, a, b, multi, accumulate: true);
                for (int i = 0; i < single.Length; i++)
                    if (BitConverter.SingleToInt32Bits(single[i]) != BitConverter.SingleToInt32Bits(multi[i]))
                        Assert.Fail($"{threads} threads differ from 1 thread at element {i}: {multi[i]} vs {single[i]}.");
            }
        }
        finally
        {
            KernelSettings.ParallelThresholdMacs = threshold;
        }
    }

    [Theory]
    [InlineData(1, 32, 128, 784, false, false)]
    [InlineData(1, 784, 128, 32, true, false)]
    [InlineData(1, 32, 784, 128, false, true)]
    [InlineData(2, 1024, 128, 784, false, false)]
    [InlineData(2, 300, 300, 300, true, true)]
    public void RepeatedCallAllocatesNothing(int threads, int m, int n, int k, bool transA, bool transB)
    {
        var (a, b, c) = GemmTests.Operands(m, n, k, seed: 9);
        // The first call may grow the per-thread packing buffers and start the workers.
        Gemm.MultiplyOn(GemmPath.Auto, threads, transA, transB, m, n, k, a, b, c);

        void Call() => Gemm.MultiplyOn(GemmPath.Auto, threads, transA, transB, m, n, k, a, b, c);
        long allocated = AllocationMeasure.BytesAllocated(Call);
        Assert.Equal(0, allocated);
    }
}
