namespace Nabla.Kernels;

/// <summary>Process-wide knobs of the compute kernels (threads, forced code path).</summary>
public static class KernelSettings
{
    private static int maxThreads = Environment.ProcessorCount;
    private static GemmPath forcedPath = GemmPath.Auto;

    /// <summary>
    /// Most threads a kernel may use (the caller's thread included). Default: <see cref="Environment.ProcessorCount"/>.
    /// Values above the processor count are allowed (results stay deterministic) but only oversubscribe.
    /// </summary>
    public static int MaxThreads
    {
        get => maxThreads;
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(MaxThreads), value, "MaxThreads must be at least 1.");
            maxThreads = value;
        }
    }

    /// <summary>
    /// Forces the SGEMM code path (for tests and benchmarks). <see cref="GemmPath.Auto"/> picks the fastest
    /// supported one. Setting a path this CPU cannot run throws <see cref="NotSupportedException"/>.
    /// </summary>
    public static GemmPath ForcedPath
    {
        get => forcedPath;
        set
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(ForcedPath), value,
                    $"Unknown GemmPath; valid: {string.Join(", ", Enum.GetNames<GemmPath>())}.");
            GemmKernels.ThrowIfUnsupported(value);
            forcedPath = value;
        }
    }

    /// <summary>
    /// Below this many multiply-adds (m·n·k) a GEMM runs on the caller's thread only: waking the other
    /// workers costs more than it saves. Default 4M MACs (about 25 µs on one Zen 5 core): in the `gemm`
    /// bench's crossover table (bench/Nabla.Bench) two threads never beat one below that on the shared
    /// 2-core machine, so e.g. the batch-32 dense-layer products (3.2M MACs) stay single-threaded.
    /// </summary>
    public static long ParallelThresholdMacs
    {
        get => parallelThresholdMacs;
        set
        {
            if (value < 0)
                throw new ArgumentOutOfRangeException(nameof(ParallelThresholdMacs), value, "ParallelThresholdMacs must be >= 0.");
            parallelThresholdMacs = value;
        }
    }

    private static long parallelThresholdMacs = 1L << 22;
}
