using System.Diagnostics;
using Nabla.Kernels;

namespace Nabla.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Nabla.Bench -- gemm [path] [case-filter]`: measures the FMA peak, then each
/// case's median GFLOP/s on 1 thread and on all threads, as a fraction of the matching peak.
/// A few seconds in total, unlike the BenchmarkDotNet run.
/// </summary>
public static class GemmQuickBench
{
    private const int Repetitions = 7;
    private const double SecondsPerRepetition = 0.03;

    public static void Run(string[] args)
    {
        var path = args.Length > 1 ? Enum.Parse<GemmPath>(args[1], ignoreCase: true) : GemmPath.Auto;
        int all = Environment.ProcessorCount;
        Console.WriteLine($"SGEMM quick bench: path {(path == GemmPath.Auto ? $"Auto ({GemmKernels.Best})" : path)}, " +
                          $"{all} threads, median of {Repetitions} runs of >= {SecondsPerRepetition * 1000} ms.");
        Console.WriteLine(LoadAverage());
        double peak1 = FmaPeak.Measure(1), peakAll = FmaPeak.Measure(all);
        Console.WriteLine($"FMA peak: 1 thread {peak1:F1} GFLOP/s, {all} threads {peakAll:F1} GFLOP/s");
        Console.WriteLine();
        Console.WriteLine($"{"case",-20} {"m×n×k",-16} {"1T GFLOP/s",10} {"% peak1",8} {"µs/call",9} | {"allT GFLOP/s",12} {"% peakAll",9} {"µs/call",9}");
        string filter = args.Length > 2 ? args[2] : "";
        foreach (var gemmCase in GemmCase.All.Where(g => g.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var (one, oneUs) = Median(gemmCase, path, 1);
            var (many, manyUs) = Median(gemmCase, path, all);
            Console.WriteLine($"{gemmCase.Name,-20} {$"{gemmCase.M}×{gemmCase.N}×{gemmCase.K}",-16} {one,10:F1} {one / peak1,8:P0} {oneUs,9:F1} | " +
                              $"{many,12:F1} {many / peakAll,9:P0} {manyUs,9:F1}");
        }
        if (all > 1 && filter.Length == 0) ParallelCrossover(path, all);
        Console.WriteLine(LoadAverage());
    }

    /// <summary>
    /// Where a second thread starts to pay: square products timed on 1 and on all threads with the
    /// parallel threshold disabled, so <see cref="KernelSettings.ParallelThresholdMacs"/> can be set from it.
    /// </summary>
    private static void ParallelCrossover(GemmPath path, int all)
    {
        Console.WriteLine();
        Console.WriteLine($"Parallel crossover (threshold disabled; current threshold {KernelSettings.ParallelThresholdMacs:N0} MACs):");
        Console.WriteLine($"{"m=n=k",6} {"MACs",12} {"1T µs",9} {"allT µs",9} {"speed-up",9}");
        long saved = KernelSettings.ParallelThresholdMacs;
        KernelSettings.ParallelThresholdMacs = 0;
        try
        {
            foreach (int size in new[] { 32, 48, 64, 80, 96, 128, 160, 192, 256 })
            {
                var g = new GemmCase($"{size}³", false, false, size, size, size);
                var (_, one) = Median(g, path, 1);
                var (_, many) = Median(g, path, all);
                Console.WriteLine($"{size,6} {(long)size * size * size,12:N0} {one,9:F1} {many,9:F1} {one / many,9:F2}");
            }
        }
        finally
        {
            KernelSettings.ParallelThresholdMacs = saved;
        }
    }

    /// <summary>Other processes skew every number here; the load average says how much.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? $"load average (1, 5, 15 min): {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}" : "";

    public static (float[] A, float[] B, float[] C) Operands(GemmCase gemmCase)
    {
        var rng = new RandomGenerator(1);
        float[] Fill(int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (float)rng.Uniform(-1, 1);
            return values;
        }
        return (Fill(gemmCase.M * gemmCase.K), Fill(gemmCase.K * gemmCase.N), new float[gemmCase.M * gemmCase.N]);
    }

    /// <summary>Median GFLOP/s and microseconds per call over the repetitions.</summary>
    private static (double GFlops, double MicrosecondsPerCall) Median(GemmCase g, GemmPath path, int threads)
    {
        var (a, b, c) = Operands(g);
        void Call() => Gemm.MultiplyOn(path, threads, g.TransA, g.TransB, g.M, g.N, g.K, a, b, c);

        Call();
        int calls = 1;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < SecondsPerRepetition / 4) { Call(); calls++; }
        int perRepetition = Math.Max(1, (int)(calls * 4 * SecondsPerRepetition / sw.Elapsed.TotalSeconds));

        var seconds = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++)
        {
            sw.Restart();
            for (int i = 0; i < perRepetition; i++) Call();
            seconds[r] = sw.Elapsed.TotalSeconds / perRepetition;
        }
        Array.Sort(seconds);
        double median = seconds[Repetitions / 2];
        return (g.Flops / median / 1e9, median * 1e6);
    }
}
