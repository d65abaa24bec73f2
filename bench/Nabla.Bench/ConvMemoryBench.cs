using System.Diagnostics;
using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;

namespace Nabla.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Nabla.Bench -- convmem [rounds] [threads]`: the bytes one forward and backward pass of
/// a large-sample convolution allocates (all threads), and its time: the second Conv3D of Keras's "3D image
/// classification from CT scans" (input 63×63×31×64, kernel 3×3×3, 64 filters, valid) at batch 1. The input,
/// kernel and bias are made before counting; the count holds the op's buffers, its output and the gradients.
/// Then, for comparing builds on a typical convolution, the time of Keras's MNIST convnet's second Conv2D at batch 128
/// (13×13×32 → 64 filters, 3×3 valid, ReLU): the minimum and median of 40 forward and backward passes.
/// </summary>
public static class ConvMemoryBench
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 2;
        if (args.Length > 2) KernelSettings.MaxThreads = int.Parse(args[2]);
        var g = ConvGeometry.Create("ct conv 2", 63, 63, 31, 64, (3, 3, 3), (1, 1, 1), (1, 1, 1), ConvPadding.Valid);
        Console.WriteLine($"CT scans Conv3D 2: input 63×63×31×64, output {g.OutDepth}×{g.OutHeight}×{g.OutWidth}×64, " +
                          $"im2col of one sample {(long)g.OutPositions * g.PatchSize * 4 / 1e6:F0} MB");
        for (int round = 0; round < rounds; round++)
        {
            var x = Filled(new Tensor(1, 63, 63, 31, 64), 1);
            var kernel = Filled(new Tensor(3, 3, 3, 64, 64), 2);
            var bias = new Tensor(64);
            x.RequiresGrad = kernel.RequiresGrad = bias.RequiresGrad = true;
            GC.Collect();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var y = Op.Record(new ConvOp(x, kernel, bias, g, Nabla.Activations.Activation.Get("relu")));
            new Graph(Tensor.Sum(y)).Backward();
            clock.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Console.WriteLine($"round {round}: allocated {allocated / 1e6:F1} MB, forward+backward {clock.Elapsed.TotalSeconds:F2} s, " +
                              $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        }
        TimeTypical();
    }

    private static void TimeTypical()
    {
        var g = ConvGeometry.Create("mnist conv 2", 13, 13, 32, (3, 3), (1, 1), (1, 1), ConvPadding.Valid);
        var x = Filled(new Tensor(128, 13, 13, 32), 1);
        var kernel = Filled(new Tensor(3, 3, 32, 64), 2);
        var bias = new Tensor(64);
        x.RequiresGrad = kernel.RequiresGrad = bias.RequiresGrad = true;
        var relu = Nabla.Activations.Activation.Get("relu");
        var times = new double[40];
        for (int i = -5; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            var y = Op.Record(new ConvOp(x, kernel, bias, g, relu));
            new Graph(Tensor.Sum(y)).Backward();
            if (i >= 0) times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"MNIST Conv2D 2, batch 128, {KernelSettings.MaxThreads} threads, forward+backward: min {times[0]:F2} ms, median {times[times.Length / 2]:F2} ms");
    }

    private static Tensor Filled(Tensor t, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < t.Size; i++) t.Data[i] = (float)(rng.NextDouble() - 0.5);
        return t;
    }
}
