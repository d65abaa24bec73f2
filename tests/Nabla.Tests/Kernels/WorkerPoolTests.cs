using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

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

    [Theory]
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
        Assert.True(calls == WorkerPool.ChunkCount(count, Math.Min(count, maxParts)) || calls == 1, $"{calls} chunks");
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
}
