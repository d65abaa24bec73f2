using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>Predict's batch-by-batch path: same numbers at every batch size, checks, no per-batch garbage.</summary>
/// <remarks>One test changes <c>KernelSettings.MaxThreads</c>, so the class runs with the process-wide settings' tests.</remarks>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class PredictTests
{
    private static (Sequential Model, Tensor X) SeedNetwork(int samples)
    {
        Utils.SetRandomSeed(21);
        var model = new Sequential(new Dense(128, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        var rng = new RandomGenerator(4);
        var x = new Tensor(samples, 784);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        return (model, x);
    }

    [Fact]
    public void BatchOneGivesBitwiseTheOutputsOfLargerBatches()
    {
        // Batch 1 runs the single-row GEMM path, larger batches the packed one: they must agree exactly.
        var (model, x) = SeedNetwork(37);
        var one = model.Predict(x, batchSize: 1);
        var many = model.Predict(x, batchSize: 16);
        Assert.Equal(many.Data, one.Data);
    }

    [Fact]
    public void NonFiniteInputInALaterBatchIsReportedWithItsSample()
    {
        var (model, x) = SeedNetwork(40);
        x.Data[33 * 784 + 5] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => model.Predict(x, batchSize: 16));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("sample 33", e.Message);
    }

    [Fact]
    public void SteadyStatePredictAllocatesLittleMoreThanItsOutput()
    {
        var (model, x) = SeedNetwork(200);
        model.Predict(x, batchSize: 1);
        model.Predict(x, batchSize: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var output = model.Predict(x, batchSize: 1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The output's 200×10 floats plus the tensor object and shape: nothing per batch (200 batches).
        Assert.True(allocated < output.Size * sizeof(float) + 1024, $"Predict allocated {allocated} bytes for a {output.Size * 4}-byte output.");
    }

    [Fact]
    public void BatchesSharedBetweenThreadsGiveBitwiseTheSingleThreadOutputs()
    {
        // 300 samples at batch 32: ten batches (the last of 12 rows) split between two replicas of the graph.
        var (model, x) = SeedNetwork(300);
        int saved = Nabla.Kernels.KernelSettings.MaxThreads;
        try
        {
            Nabla.Kernels.KernelSettings.MaxThreads = 1;
            var one = model.Predict(x, batchSize: 32);
            Nabla.Kernels.KernelSettings.MaxThreads = 2;
            var two = model.Predict(x, batchSize: 32);
            Assert.Equal(one.Data, two.Data);
        }
        finally
        {
            Nabla.Kernels.KernelSettings.MaxThreads = saved;
        }
    }

    [Fact]
    public void OutputArgumentReceivesTheOutputsAndIsReturned()
    {
        var (model, x) = SeedNetwork(100);
        var expected = model.Predict(x, batchSize: 16);
        var output = new Tensor(100, 10);
        var returned = model.Predict(x, batchSize: 16, output: output);
        Assert.Same(output, returned);
        Assert.Equal(expected.Data, output.Data);
    }

    [Theory]
    [InlineData(new[] { 99, 10 })]
    [InlineData(new[] { 100, 11 })]
    [InlineData(new[] { 1000 })]
    public void OutputOfTheWrongShapeIsRefusedBeforeAnythingRuns(int[] shape)
    {
        var (model, x) = SeedNetwork(100);
        var output = new Tensor(shape);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(x, output: output));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("[100, 10]", e.Message);
        Assert.Contains(Tensor.ShapeString(shape), e.Message);
        Assert.All(output.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void PredictIntoAReusedOutputAllocatesNothingOnAnyThread()
    {
        var (model, x) = SeedNetwork(400);
        var output = new Tensor(400, 10);
        model.Predict(x, batchSize: 64, output: output);
        model.Predict(x, batchSize: 64, output: output);
        // All threads count (the worker runs half the batches), so tests running at the same time count too:
        // take the fewest bytes over several calls. A Predict that allocates does so in every call.
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 10 && fewest > 0; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            model.Predict(x, batchSize: 64, output: output);
            fewest = Math.Min(fewest, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.True(fewest == 0, $"Predict into a reused output allocated {fewest} bytes.");
    }
}
