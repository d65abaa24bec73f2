using System.Runtime.ExceptionServices;

namespace Nabla.Kernels;

/// <summary>
/// A small persistent thread pool for compute kernels whose dispatch allocates nothing:
/// the work is a static function pointer plus an untyped state pointer (usually to a struct on the
/// caller's stack), so no closure, Task or delegate is created per call.
/// <para>
/// <c>For(count, body, state)</c> cuts [0, count) into at most <see cref="KernelSettings.MaxThreads"/>
/// contiguous ranges of near-equal size, calls <c>body(start, end, state)</c> once per range (the caller's
/// thread runs the first one) and returns when all ranges are done. The cut depends only on
/// <c>count</c> and the number of parts, so a kernel that writes each output from one range only is
/// deterministic for a given thread count.
/// </para>
/// <para>
/// Nested or concurrent calls (from a worker, or from a second thread while a dispatch is running) do not
/// wait: they run the whole range inline on the calling thread. An exception thrown by a range is
/// rethrown on the caller after every range has finished.
/// </para>
/// Example (an optimizer update over many parameters):
/// <code>
/// static void Step(int start, int end, void* s) { ref var st = ref *(StepState*)s; ... }
/// var st = new StepState { ... };
/// WorkerPool.For(parameterCount, &amp;Step, &amp;st);
/// </code>
/// </summary>
public static unsafe class WorkerPool
{
    // Spin a little before blocking: a kernel call is often tens of microseconds, less than an OS wake-up.
    private const int SpinCount = 2047;

    private static readonly object growLock = new();
    private static Worker[] workers = [];
    private static readonly ManualResetEventSlim allDone = new(false, SpinCount);
    private static int busy;
    private static int pending;

    private static delegate*<int, int, void*, void> jobBody;
    private static void* jobState;
    private static int jobCount, jobParts;
    private static ExceptionDispatchInfo? jobError;

    [ThreadStatic] private static bool onWorker;

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) on up to <see cref="KernelSettings.MaxThreads"/> threads.</summary>
    public static void For(int count, delegate*<int, int, void*, void> body, void* state) =>
        For(count, body, state, KernelSettings.MaxThreads);

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) cut into at most <paramref name="maxParts"/> ranges.</summary>
    public static void For(int count, delegate*<int, int, void*, void> body, void* state, int maxParts)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0.");
        if (body == null) throw new ArgumentNullException(nameof(body));
        if (maxParts < 1) throw new ArgumentOutOfRangeException(nameof(maxParts), maxParts, "maxParts must be >= 1.");
        if (count == 0) return;
        int parts = Math.Min(maxParts, count);
        if (parts == 1 || onWorker || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            body(0, count, state);
            return;
        }
        try
        {
            Dispatch(count, parts, body, state);
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Start (inclusive) of range <paramref name="part"/> when [0, count) is cut into <paramref name="parts"/> ranges.</summary>
    public static int RangeStart(int count, int parts, int part) => (int)((long)count * part / parts);

    private static void Dispatch(int count, int parts, delegate*<int, int, void*, void> body, void* state)
    {
        EnsureWorkers(parts - 1);
        jobBody = body;
        jobState = state;
        jobCount = count;
        jobParts = parts;
        jobError = null;
        allDone.Reset();
        Volatile.Write(ref pending, parts - 1);
        for (int w = 0; w < parts - 1; w++) workers[w].Start.Set();

        RunPart(0);
        allDone.Wait();

        jobBody = null;
        jobState = null;
        jobError?.Throw();
    }

    private static void RunPart(int part)
    {
        try
        {
            jobBody(RangeStart(jobCount, jobParts, part), RangeStart(jobCount, jobParts, part + 1), jobState);
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
        public readonly ManualResetEventSlim Start = new(false, SpinCount);
        private readonly int part;

        public Worker(int part)
        {
            this.part = part;
            new Thread(Loop) { IsBackground = true, Name = $"Nabla kernel worker {part}" }.Start();
        }

        private void Loop()
        {
            onWorker = true;
            while (true)
            {
                Start.Wait();
                Start.Reset();
                RunPart(part);
                if (Interlocked.Decrement(ref pending) == 0) allDone.Set();
            }
        }
    }
}
