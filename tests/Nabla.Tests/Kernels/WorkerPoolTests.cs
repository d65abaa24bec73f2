using Nabla.Kernels;
using static Nabla.Tests.TestSupport.KernelSettingsScopes;

namespace Nabla.Tests.Kernels;

/// <remarks>The ForShards tests change <c>KernelSettings.MaxThreads</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(KernelSettingsTests))]
public unsafe class WorkerPoolTests
{
    private struct CoverState
    {
        public int* Hits;
        public int* Calls;
    }

    private static void MarkRange(int start, int end, void* state)
    {
        var s = (CoverState*)state;
        Interlocked.Increment(ref *s->Calls);
        for (int i = start; i < end; i++) Interlocked.Increment(ref s->Hits[i]);
    }

    private static void RecordThreadIndex(int start, int end, void* state)
    {
        var highest = (int*)state;
        int index = WorkerPool.CurrentThreadIndex, seen;
        while ((seen = Volatile.Read(ref *highest)) < index && Interlocked.CompareExchange(ref *highest, index, seen) != seen) { }
        Thread.SpinWait(2000); // long enough for every spinning worker to try to join
    }

    [Fact]
    public void WorkersBeyondTheThreadBudgetStayOutSoThreadIndicesStayBelowIt()
    {
        // Start three workers, then dispatch with a budget of two: the third is still spinning and must not
        // join (Predict picks each thread's graph replica by CurrentThreadIndex).
        int highest = 0;
        WorkerPool.For(64, &RecordThreadIndex, &highest, 4);
        for (int round = 0; round < 50; round++)
        {
            highest = 0;
            WorkerPool.For(64, &RecordThreadIndex, &highest, 2);
            Assert.InRange(highest, 0, 1);
        }
        Assert.Equal(0, WorkerPool.CurrentThreadIndex); // the test's own thread is no worker
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 4)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(100_000, 2)]
    [InlineData(5, 1)]
    public void EveryIndexIsVisitedOnceInTheDocumentedChunks(int count, int maxParts)
    {
        var hits = new int[count];
        int calls = 0;
        fixed (int* h = hits)
        {
            var state = new CoverState { Hits = h, Calls = &calls };
            WorkerPool.For(count, &MarkRange, &state, maxParts);
        }
        Assert.All(hits, hit => Assert.Equal(1, hit));
        // A dispatch that finds the pool busy (another test's GEMM) runs inline as one range.
        // Nothing to do is no call at all (and no error).
        Assert.True(count == 0 ? calls == 0 : calls == WorkerPool.ChunkCount(count, Math.Min(count, maxParts)) || calls == 1, $"{calls} chunks");
    }

    [Fact]
    public void WorkersThatWentToSleepAreWokenForTheNextJob()
    {
        // Idle workers poll for half a millisecond and then block; later jobs must still complete.
        for (int round = 0; round < 20; round++)
        {
            Thread.Sleep(2);
            EveryIndexIsVisitedOnceInTheDocumentedChunks(64, 2);
        }
    }

    [Fact]
    public void RangesAreContiguousAndDependOnlyOnCountAndParts()
    {
        Assert.Equal(0, WorkerPool.RangeStart(10, 3, 0));
        Assert.Equal(3, WorkerPool.RangeStart(10, 3, 1));
        Assert.Equal(6, WorkerPool.RangeStart(10, 3, 2));
        Assert.Equal(10, WorkerPool.RangeStart(10, 3, 3));
    }

    private static void Throw(int start, int end, void* state)
    {
        // Only the chunk holding the last index fails (the whole range, if the call ran inline).
        if (end == 10) throw new InvalidOperationException($"range {start}..{end} failed");
    }

    [Fact]
    public void ExceptionInAChunkReachesTheCaller()
    {
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.For(10, &Throw, null, 2));
        Assert.Contains("failed", e.Message);
        // The pool still works afterwards.
        EveryIndexIsVisitedOnceInTheDocumentedChunks(50, 2);
    }

    // Each outer chunk runs a full inner For over [0, 2) while the outer dispatch holds the pool.
    private static void Nested(int start, int end, void* state)
    {
        for (int i = start; i < end; i++) WorkerPool.For(2, &MarkRange, state, 2);
    }

    [Fact]
    public void NestedCallRunsInlineInsteadOfDeadlocking()
    {
        var hits = new int[4];
        int calls = 0;
        fixed (int* h = hits)
        {
            var state = new CoverState { Hits = h, Calls = &calls };
            WorkerPool.For(2, &Nested, &state, 2);
        }
        // Returning at all shows no deadlock; both outer elements covered the whole inner range.
        // (If another test held the pool, the outer loop ran inline and the inner ones may have dispatched.)
        Assert.Equal(2, hits[0]);
        Assert.Equal(2, hits[1]);
        Assert.Equal(0, hits[2]);
    }

    private static void Nothing(int start, int end, void* state) { }

    [Fact]
    public void RepeatedDispatchAllocatesNothing()
    {
        WorkerPool.For(1000, &Nothing, null, 2);
        Assert.Equal(0, AllocationMeasure.BytesAllocated(() => WorkerPool.For(1000, &Nothing, null, 2), repeats: 100));
    }

    // ---- ForShards ----

    /// <summary>Runs <paramref name="action"/> with <see cref="KernelSettings.MaxThreads"/> set, restoring it after.</summary>

    private struct ShardLog
    {
        public int* Hits;       // per shard: how many times it ran
        public int* ThreadIds;  // per shard: the managed thread that ran it
        public int* Calls;      // body calls (an inline call covers several shards)
        public int ShardOneStarted;
        public long WaitTicks;  // shard 0 waits up to this long for shard 1 to start elsewhere
    }

    private static void LogShards(int first, int end, void* state)
    {
        var s = (ShardLog*)state;
        Interlocked.Increment(ref *s->Calls);
        for (int shard = first; shard < end; shard++)
        {
            if (shard == 1) Volatile.Write(ref s->ShardOneStarted, 1);
            if (shard == 0)
            {
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + s->WaitTicks;
                while (Volatile.Read(ref s->ShardOneStarted) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() < until)
                    Thread.SpinWait(4);
            }
            Interlocked.Increment(ref s->Hits[shard]);
            s->ThreadIds[shard] = Environment.CurrentManagedThreadId;
        }
    }

    /// <summary>One ForShards call; returns per shard its run count and thread id, and the number of body calls.</summary>
    private static (int[] Hits, int[] ThreadIds, int Calls) RunShards(int shards, long waitTicks = 0)
    {
        var hits = new int[Math.Max(shards, 2)];
        var ids = new int[Math.Max(shards, 2)];
        int calls = 0;
        fixed (int* h = hits, t = ids)
        {
            var log = new ShardLog { Hits = h, ThreadIds = t, Calls = &calls, WaitTicks = waitTicks };
            WorkerPool.ForShards(shards, &LogShards, &log);
        }
        return (hits, ids, calls);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 5)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 7)]
    public void ForShardsRunsEveryShardExactlyOnce(int maxThreads, int shards) => WithMaxThreads(maxThreads, () =>
    {
        for (int round = 0; round < 50; round++)
        {
            var (hits, _, _) = RunShards(shards);
            for (int s = 0; s < shards; s++)
                Assert.True(hits[s] == 1, $"round {round}: shard {s} of {shards} ran {hits[s]} times with MaxThreads={maxThreads}");
        }
    });

    [Fact]
    public void ForShardsWithOneThreadRunsAllShardsInlineOnTheCaller() => WithMaxThreads(1, () =>
    {
        var (hits, ids, calls) = RunShards(4);
        Assert.Equal(new[] { 1, 1, 1, 1 }, hits);
        Assert.All(ids, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
        Assert.Equal(1, calls); // one body call over [0, 4)
    });

    [Fact]
    public void ForShardsOfOneShardRunsInlineOnTheCaller() => WithMaxThreads(2, () =>
    {
        var (hits, ids, calls) = RunShards(1);
        Assert.Equal(1, hits[0]);
        Assert.Equal(Environment.CurrentManagedThreadId, ids[0]);
        Assert.Equal(1, calls);
    });

    /// <summary>A fact that needs two cores: a worker thread can only run beside the caller on a second one.</summary>
    public sealed class MultiCoreFactAttribute : FactAttribute
    {
        public MultiCoreFactAttribute()
        {
            if (Environment.ProcessorCount < 2) Skip = $"Needs 2 or more cores; this machine has {Environment.ProcessorCount}.";
        }
    }

    [MultiCoreFact]
    public void ForShardsRunsShardOneOnTheSameWorkerThreadCallAfterCall() => WithMaxThreads(2, () =>
    {
        // Shard 0 waits (up to 100 ms) for shard 1 to start, so the caller cannot take shard 1 merely because the
        // worker was slow to wake on a busy machine: whoever runs shard 1 is the thread ForShards gave it to, or
        // a thread that got there first. Hence a loose majority over many calls, not "every call".
        long wait = System.Diagnostics.Stopwatch.Frequency / 10;
        int caller = Environment.CurrentManagedThreadId;
        const int Calls = 200;
        var shardOneThreads = new int[Calls];
        for (int call = 0; call < Calls; call++)
        {
            var (hits, ids, _) = RunShards(2, wait);
            Assert.Equal(new[] { 1, 1 }, hits);
            shardOneThreads[call] = ids[1];
        }
        int onWorkers = shardOneThreads.Count(id => id != caller);
        Assert.True(onWorkers > Calls / 2, $"shard 1 ran on a worker in only {onWorkers} of {Calls} calls");
        // The same worker every time, not whichever thread is free: its data stays in one core's cache.
        var (worker, times) = shardOneThreads.Where(id => id != caller).GroupBy(id => id)
            .Select(g => (g.Key, g.Count())).MaxBy(g => g.Item2);
        Assert.True(times > Calls / 2, $"the most frequent worker {worker} ran shard 1 in only {times} of {Calls} calls");
    });

    private static void ThrowOnShardOne(int first, int end, void* state)
    {
        if (first <= 1 && 1 < end) throw new InvalidOperationException($"shard 1 failed (range {first}..{end})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ExceptionInAShardIsRethrownOnTheCaller(int maxThreads) => WithMaxThreads(maxThreads, () =>
    {
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.ForShards(2, &ThrowOnShardOne, null));
        Assert.Contains("shard 1 failed", e.Message);
        // The pool still runs every shard afterwards.
        var (hits, _, _) = RunShards(2);
        Assert.Equal(new[] { 1, 1 }, hits);
    });

    private static void MustNotRun(int first, int end, void* state) =>
        throw new InvalidOperationException($"body ran for {first}..{end}");

    [Fact]
    public void ForShardsOfZeroShardsDoesNothing() => WorkerPool.ForShards(0, &MustNotRun, null);

    [Fact]
    public void ForShardsRejectsANegativeCount()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => WorkerPool.ForShards(-1, &MustNotRun, null));
        Assert.Equal("shards", e.ParamName);
        Assert.Contains("-1", e.Message);
    }

    [Fact]
    public void RepeatedForShardsAllocatesNothing() => WithMaxThreads(2, () =>
    {
        WorkerPool.ForShards(2, &Nothing, null);
        Assert.Equal(0, AllocationMeasure.BytesAllocated(() => WorkerPool.ForShards(2, &Nothing, null), repeats: 100));
    });
}
