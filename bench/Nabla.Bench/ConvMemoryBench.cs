using System.Diagnostics;
using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;

namespace Nabla.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Nabla.Bench -- convmem [rounds]`: the bytes one forward and backward pass of
/// a large-sample convolution allocates (all threads), and its time: the second Conv3D of Keras's "3D image
/// classification from CT scans" (input 63×63×31×64, kernel 3×3×3, 64 filters, valid) at batch 1. The input,
/// kernel and bias are made before counting; the count holds the op's buffers, its output and the gradients.
/// </summary>
public static class ConvMemoryBench
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 2;
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
    }

    private static Tensor Filled(Tensor t, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < t.Size; i++) t.Data[i] = (float)(rng.NextDouble() - 0.5);
        return t;
    }
}
