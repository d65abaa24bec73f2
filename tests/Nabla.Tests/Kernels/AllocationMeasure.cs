namespace Nabla.Tests.Kernels;

/// <summary>Managed bytes the current thread allocates while running an action.</summary>
internal static class AllocationMeasure
{
    /// <summary>
    /// The fewest bytes allocated over up to 10 windows of <paramref name="repeats"/> calls. The runtime
    /// sometimes suspends all threads (a GC started by another test, tiered compilation swapping code)
    /// and retires this thread's allocation context, which GetAllocatedBytesForCurrentThread reports as up
    /// to one ~8 KB allocation quantum nobody asked for. That happens in an odd window, while a call that
    /// really allocates does so in every window, so the minimum is the honest figure.
    /// </summary>
    public static long BytesAllocated(Action action, int repeats = 3)
    {
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 10 && fewest > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < repeats; i++) action();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
