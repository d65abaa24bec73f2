using BenchmarkDotNet.Running;
using Nabla.Bench;

if (args.Length > 0 && args[0] == "gemm")
    GemmQuickBench.Run(args);
else if (args.Length > 0 && args[0] == "convmem")
    ConvMemoryBench.Run(args);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
