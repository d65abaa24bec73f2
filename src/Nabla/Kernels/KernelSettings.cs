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
    /// Below this many multiply-adds (m·n·k) a GEMM runs on the caller's thread only: the second thread
    /// costs more than it saves. Default 16M MACs, from whole training epochs of the 784-128-10 MNIST network on the
    /// 2-vCPU machine of docs/performance.md (two threads reach ~1.6x one thread's FMA rate there): with
    /// two threads, batch 1024 (103M-MAC layer products) ran 1.2x faster, batch 256 (26M) 1.1x, batch 128
    /// (13M) the same, batch 32 (3M) slower.
    /// </summary>
    public static long ParallelThresholdMacs
    {
        get => parallelThresholdMacs;
        set => parallelThresholdMacs = NonNegative(value, nameof(ParallelThresholdMacs));
    }

    private static long parallelThresholdMacs = 16L << 20;

    /// <summary>
    /// From this many multiply-adds in a dense layer's forward product (batch · inputs · units), a training step
    /// splits the layer's input features into shards (<c>ISplittableOp.SplitWork</c>; how many
    /// follows the layer's size), and each kernel thread keeps the same shards of the weights step after step. Default 2M: on the 2-vCPU machine of
    /// docs/performance.md the split paid for a 784→128 layer at batch 32 (3.2M) and above. Read when a
    /// step is captured; the split does not depend on the thread count, so neither do the results.
    /// </summary>
    public static long LayerSplitThresholdMacs
    {
        get => layerSplitThresholdMacs;
        set => layerSplitThresholdMacs = NonNegative(value, nameof(LayerSplitThresholdMacs));
    }

    private static long layerSplitThresholdMacs = 2L << 20;

    /// <summary>
    /// Whether a split layer that alone reads its weights runs their optimizer update during the backward pass,
    /// while its gradient rows are still in the core's cache (PyTorch's "optimizer in backward"). Off, the same
    /// updates run after the backward pass, to the same bits. Default on: docs/performance.md measures the gain.
    /// Read when a training step starts.
    /// </summary>
    public static bool UpdateDuringBackward { get; set; } = true;

    private static long NonNegative(long value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 0.");
}
