using BenchmarkDotNet.Attributes;
using Nabla.Kernels;

namespace Nabla.Bench;

/// <summary>SGEMM through <see cref="Gemm.MultiplyOn"/>, per shape, on 1 thread and on all cores.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] a = [], b = [], c = [];

    [ParamsSource(nameof(Cases))]
    public GemmCase Case { get; set; } = GemmCase.All[0];

    [Params(1, 0)] // 0 = Environment.ProcessorCount
    public int Threads { get; set; }

    public static IEnumerable<GemmCase> Cases => GemmCase.All;

    [GlobalSetup]
    public void Setup() => (a, b, c) = GemmQuickBench.Operands(Case);

    [Benchmark]
    public void Multiply() => Gemm.MultiplyOn(GemmPath.Auto, Threads == 0 ? Environment.ProcessorCount : Threads,
        Case.TransA, Case.TransB, Case.M, Case.N, Case.K, a, b, c);
}
