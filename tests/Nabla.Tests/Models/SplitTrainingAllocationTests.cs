using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

/// <summary>The split training step's steady state allocates nothing, on the caller's thread or on the workers. Its process-wide
/// count would also see what tests running beside it allocate, so it runs alone (it changes KernelSettings too, which running
/// alone keeps from every other test).</summary>
[Collection(ProcessWideMeasurementCollection.Name)]
public class SplitTrainingAllocationTests
{
    [Fact]
    public void SplitTrainingStepAllocatesNothingInSteadyState() => SplitTrainingTests.WithSettings(2, GemmPath.Auto, () =>
    {
        var (x, y) = SplitTrainingTests.RandomData(128, 784, 10, seed: 3);
        Utils.SetRandomSeed(3);
        var model = new Sequential(new Dense(128, "relu", inputShape: [784]), new Dense(10, "softmax"));
        model.Compile(new Adam(), "categorical_crossentropy");
        for (int i = 0; i < 5; i++) model.TrainOnBatch(x, y);
        Assert.NotNull(model.LastTrainStep!.ParameterShards);

        long callerBytes = long.MaxValue, processBytes = long.MaxValue;
        // Process-wide bytes also count the workers' allocations, but also whatever else the runtime or the test
        // host allocates meanwhile: the fewest over several windows is the honest figure (as AllocationMeasure).
        for (int attempt = 0; attempt < 10 && (callerBytes > 0 || processBytes > 0); attempt++)
        {
            long process = GC.GetTotalAllocatedBytes(precise: true);
            long caller = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) model.TrainOnBatch(x, y);
            callerBytes = Math.Min(callerBytes, GC.GetAllocatedBytesForCurrentThread() - caller);
            processBytes = Math.Min(processBytes, GC.GetTotalAllocatedBytes(precise: true) - process);
        }
        Assert.True(callerBytes == 0, $"20 split steps allocated {callerBytes} bytes on the caller's thread.");
        Assert.True(processBytes == 0, $"20 split steps allocated {processBytes} bytes in the process (workers included).");
        return 0;
    });
}
