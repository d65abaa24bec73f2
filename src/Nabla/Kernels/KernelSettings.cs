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
    /// Below this many multiply-adds (m·n·k) a GEMM runs on the caller's thread only: waking the
    /// other workers costs more than it saves. Measured with the `gemm` bench mode (see bench/Nabla.Bench).
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

    private static long parallelThresholdMacs = 1L << 21;
}
