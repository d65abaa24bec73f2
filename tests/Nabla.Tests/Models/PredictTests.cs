using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>Predict's batch-by-batch path: same numbers at every batch size, checks, no per-batch garbage.</summary>
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
}
