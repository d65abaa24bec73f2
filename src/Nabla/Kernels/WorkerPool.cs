using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Nabla.Kernels;

/// <summary>
/// A small persistent thread pool for compute kernels whose dispatch allocates nothing:
/// the work is a static function pointer plus an untyped state pointer (usually to a struct on the
/// caller's stack), so no closure, Task or delegate is created per call.
/// <para>
/// <c>For(count, body, state)</c> cuts [0, count) into contiguous chunks (a few per thread; the cut depends
/// only on <c>count</c> and the thread budget) and calls <c>body(start, end, state)</c> once per chunk.
/// The caller's thread and up to <see cref="KernelSettings.MaxThreads"/> − 1 workers take chunks from a
/// shared counter until none is left, so a worker the OS does not schedule in time (a busy machine) just
/// does less: the caller never waits for a worker that has not started. A body that writes each output
/// from its index alone is therefore deterministic whatever thread runs which chunk.
/// </para>
/// <para>
/// Nested or concurrent calls (from a worker, or from a second thread while a dispatch is running) run the
/// whole range inline as one chunk. An exception thrown by a chunk is rethrown on the caller after the
/// running chunks have finished.
/// </para>
/// Example (a loop over independent items, as GEMM blocks or Predict's graph replicas use it):
/// <code>
/// static void Step(int start, int end, void* s) { ref var st = ref *(StepState*)s; ... }
/// var st = new StepState { ... };
/// WorkerPool.For(parameterCount, &amp;Step, &amp;st);
/// </code>
/// </summary>
public static unsafe class WorkerPool
{
    // How long an idle worker keeps polling for the next job before it blocks. Waking a blocked thread
    // costs tens of microseconds on a VM, as much as a whole batch-32 GEMM, while consecutive kernels of a
    // training step come microseconds apart; OpenMP runtimes spin for the same reason.
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 2000; // 0.5 ms
    // Several chunks per thread let a thread that got more CPU time take more of the work.
    private const int ChunksPerThread = 4;

    private static readonly object growLock = new();
    private static Worker[] workers = [];
    private static int busy;

    private static delegate*<int, int, void*, void> jobBody;
    private static void* jobState;
    private static int jobCount, jobChunks, jobThreads, nextChunk, jobOpen, running;
    // ForShards: shard i is meant for thread i; a thread claims a shard here before running it.
    private static bool jobSharded;
    private static int[] shardClaims = [];
    // Bumped once per dispatch; a worker that sees it change joins the job. Idle workers poll it, so it
    // lives alone on its cache line: a hot static written beside it would bounce between the cores.
    private static readonly PaddedCounter generation = new();

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 192)]
    private sealed class PaddedCounter
    {
        [System.Runtime.InteropServices.FieldOffset(64)] public int Value;
    }
    private static ExceptionDispatchInfo? jobError;

    [ThreadStatic] private static bool onWorker;
    [ThreadStatic] private static int threadIndex;

    /// <summary>
    /// The running thread's index in the pool: w on worker w, 0 on any other thread (the caller of a dispatch).
    /// A body that keeps per-thread scratch (such as <c>Predict</c>'s graph replicas) picks its copy with it,
    /// whichever chunks the thread ends up taking.
    /// </summary>
    public static int CurrentThreadIndex => threadIndex;

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) on up to <see cref="KernelSettings.MaxThreads"/> threads.</summary>
    public static void For(int count, delegate*<int, int, void*, void> body, void* state) =>
        For(count, body, state, KernelSettings.MaxThreads);

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) on up to <paramref name="maxThreads"/> threads.</summary>
    public static void For(int count, delegate*<int, int, void*, void> body, void* state, int maxThreads) =>
        For(count, body, state, maxThreads, Math.Max(1, ChunkCount(count, Math.Min(maxThreads, Math.Max(count, 1)))));

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) on up to <paramref name="maxThreads"/> threads,
    /// cut into <paramref name="chunks"/> chunks (at most <paramref name="count"/>): finer chunks balance the
    /// threads better when items are few and costly, at one atomic increment per chunk.
    /// </summary>
    public static void For(int count, delegate*<int, int, void*, void> body, void* state, int maxThreads, int chunks)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0.");
        if (maxThreads < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "maxThreads must be >= 1.");
        if (chunks < 1) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "chunks must be >= 1.");
        Run(count, body, state, maxThreads, Math.Min(chunks, Math.Max(count, 1)), sharded: false);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(i, i + 1) for each shard i in [0, <paramref name="shards"/>), shard i on thread
    /// i mod T for T threads (the caller is thread 0, worker w is thread w): the same shard lands on the same thread call after call,
    /// so data a shard writes stays in that core's caches for the next call on the same shard. A thread that
    /// has finished its own shard takes any shard not started yet, so a worker the OS has not scheduled
    /// delays nothing; results must therefore depend only on the shard index, as with <c>For(count, body, state)</c>.
    /// </summary>
    public static void ForShards(int shards, delegate*<int, int, void*, void> body, void* state)
    {
        if (shards < 0) throw new ArgumentOutOfRangeException(nameof(shards), shards, "shards must be >= 0.");
        Run(shards, body, state, KernelSettings.MaxThreads, shards, sharded: true);
    }

    private static void Run(int count, delegate*<int, int, void*, void> body, void* state, int maxThreads, int chunks, bool sharded)
    {
        if (body == null) throw new ArgumentNullException(nameof(body));
        if (count == 0) return;
        int threads = Math.Min(maxThreads, count);
        if (threads == 1 || onWorker)
        {
            body(0, count, state);
            return;
        }
        // Start the workers even if this call ends up inline, so that a later call never allocates them.
        EnsureWorkers(threads - 1);
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            body(0, count, state);
            return;
        }
        try
        {
            if (sharded)
            {
                if (shardClaims.Length < count) shardClaims = new int[Math.Max(count, KernelSettings.MaxThreads)];
                Array.Clear(shardClaims, 0, count);
            }
            jobSharded = sharded;
            Dispatch(count, threads, chunks, body, state);
        }
        finally
        {
            jobSharded = false;
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Start (inclusive) of chunk <paramref name="chunk"/> when [0, count) is cut into <paramref name="chunks"/> chunks.</summary>
    public static int RangeStart(int count, int chunks, int chunk) => (int)((long)count * chunk / chunks);

    /// <summary>How many chunks <c>For(count, body, state, chunk)</c> cuts [0, count) into.</summary>
    public static int ChunkCount(int count, int threads) => threads <= 1 ? Math.Min(count, 1) : Math.Min(count, threads * ChunksPerThread);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dispatch(int count, int threads, int chunks, delegate*<int, int, void*, void> body, void* state)
    {
        jobBody = body;
        jobState = state;
        jobCount = count;
        jobThreads = threads;
        jobChunks = chunks;
        jobError = null;
        Volatile.Write(ref nextChunk, 0);
        Interlocked.Exchange(ref jobOpen, 1);
        Interlocked.Increment(ref generation.Value);
        for (int w = 0; w < threads - 1; w++) workers[w].WakeIfBlocked();

        TakeChunks(0);
        // Close the job, then wait only for workers that joined it (they are mid-chunk, so briefly).
        Interlocked.Exchange(ref jobOpen, 0);
        // Pure spinning: SpinWait.SpinOnce would eventually Sleep(1), a millisecond, for a chunk of microseconds.
        while (Volatile.Read(ref running) != 0) Thread.SpinWait(16);

        jobBody = null;
        jobState = null;
        jobError?.Throw();
    }

    /// <summary>Runs chunks of the open job on thread <paramref name="self"/> (0 = the caller) until none is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TakeChunks(int self)
    {
        if (jobSharded)
        {
            // Own shards first (self, self + threads, ...), then any shard its thread has not claimed yet.
            for (int shard = self; shard < jobChunks; shard += jobThreads) TryRunShard(shard);
            for (int shard = 0; shard < jobChunks; shard++)
                if (shard % jobThreads != self) TryRunShard(shard);
            return;
        }
        int chunk;
        while ((chunk = Interlocked.Increment(ref nextChunk) - 1) < jobChunks)
            RunChunk(RangeStart(jobCount, jobChunks, chunk), RangeStart(jobCount, jobChunks, chunk + 1));
    }

    private static void TryRunShard(int shard)
    {
        if (Interlocked.CompareExchange(ref shardClaims[shard], 1, 0) == 0) RunChunk(shard, shard + 1);
    }

    private static void RunChunk(int start, int end)
    {
        try
        {
            jobBody(start, end, jobState);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref jobError, ExceptionDispatchInfo.Capture(e), null);
        }
    }

    private static void EnsureWorkers(int needed)
    {
        if (workers.Length >= needed) return;
        lock (growLock)
        {
            if (workers.Length >= needed) return;
            var grown = new Worker[needed];
            Array.Copy(workers, grown, workers.Length);
            for (int w = workers.Length; w < needed; w++) grown[w] = new Worker(w + 1);
            workers = grown;
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim wake = new(0);
        // 1 while the worker is blocked (or about to block) on `wake`; whoever swaps it to 0 owns the wake-up.
        private int blocked;

        // This worker's thread index for ForShards (the caller is 0).
        private readonly int index;

        public Worker(int index)
        {
            this.index = index;
            new Thread(Loop) { IsBackground = true, Name = $"Nabla kernel worker {index}" }.Start();
        }

        public void WakeIfBlocked()
        {
            if (Interlocked.Exchange(ref blocked, 0) == 1) wake.Release();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            onWorker = true;
            threadIndex = index;
            int seen = Volatile.Read(ref generation.Value);
            while (true)
            {
                seen = WaitForJob(seen);
                // Join before checking the job is open: the caller closes it before reading `running`,
                // so either it waits for us or we see the job closed (and a late wake-up does nothing).
                Interlocked.Increment(ref running);
                // Workers beyond the job's thread budget stay out, so a body sees thread indices below it.
                if (Volatile.Read(ref jobOpen) == 1 && index < Volatile.Read(ref jobThreads)) TakeChunks(index);
                Interlocked.Decrement(ref running);
            }
        }

        /// <summary>Polls for a generation other than <paramref name="seen"/> for a while, then blocks until woken.</summary>
        private int WaitForJob(int seen)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                for (int i = 0; i < 64; i++)
                {
                    int now = Volatile.Read(ref generation.Value);
                    if (now != seen) return now;
                    Thread.SpinWait(8);
                }
                if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline) continue;

                Interlocked.Exchange(ref blocked, 1);
                // A dispatch between the last poll and the flag would not wake us: look once more.
                if (Volatile.Read(ref generation.Value) != seen && Interlocked.Exchange(ref blocked, 0) == 1)
                    continue;
                wake.Wait(); // released by the dispatcher that swapped `blocked` back to 0
                deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
