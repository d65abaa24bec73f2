using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Reliability;

/// <summary>The graph cache bounds what Predict keeps. Measured on the process's whole heap, so it runs alone: another
/// test's tensors alive at the same time would count as growth.</summary>
[Collection(ProcessWideMeasurementCollection.Name)]
public class GraphCacheMemoryTests
{
    [Fact]
    public void TwoThousandBatchSizesKeepMemoryBounded()
    {
        Utils.SetRandomSeed(6);
        var model = new Sequential(new Dense(32, activation: "relu", inputShape: [64]), new Dense(4));
        var x = ConcurrentInferenceTests.Random(2000, 64, 3);
        model.Predict(x, batchSize: 2000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        for (int batch = 1; batch <= 2000; batch++) model.Predict(x, batchSize: batch);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long grown = GC.GetTotalMemory(forceFullCollection: true) - baseline;

        Assert.True(model.CachedGraphShapes <= Model.DefaultGraphCacheShapes, $"{model.CachedGraphShapes} shapes kept");
        // A kept replica of batch 2000 is about 2000 × (64 + 32 + 32 + 4) floats plus op buffers, ~2 MB; the 8
        // most recent shapes with their replicas stay far below 64 MB, while keeping all 2,000 shapes (about
        // 2 GB of graphs) would not.
        Assert.True(grown < 64L << 20, $"memory grew by {grown >> 20} MB over 2,000 batch sizes");
    }
}
