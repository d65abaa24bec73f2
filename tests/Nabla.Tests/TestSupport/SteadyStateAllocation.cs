namespace Nabla.Tests.TestSupport;

/// <summary>How many bytes a model's steady-state training steps allocate on the calling thread.</summary>
public static class SteadyStateAllocation
{
    /// <summary>
    /// Warms up with 5 steps, then returns the fewest bytes allocated by 20 steps over up to 5 windows: tests that
    /// change KernelSettings.MaxThreads run at the same time, and the first parallel dispatch after one of them may
    /// start the pool's workers inside a window. An allocation per step shows in every window.
    /// </summary>
    public static long OfTrainOnBatch(Model model, Tensor x, Tensor y)
    {
        for (int i = 0; i < 5; i++) model.TrainOnBatch(x, y);
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) model.TrainOnBatch(x, y);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return allocated;
    }
}
