using Nabla.Layers;
using static Nabla.Tests.TestSupport.KernelSettingsScopes;
using Nabla.Data;

namespace Nabla.Tests.Models;

/// <summary><c>Evaluate</c> shares its forward passes between threads; its results must not depend on that.</summary>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class EvaluateTests
{
    private static (Sequential Model, Tensor X, Tensor Y) Trained()
    {
        Utils.SetRandomSeed(21);
        var rng = new RandomGenerator(5);
        // 530 samples of 784 values: enough to run in parallel, with a short last batch at batch size 32.
        var x = new Tensor(530, 784);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        var y = new Tensor(530, 10);
        for (int s = 0; s < 530; s++) y.Data[s * 10 + rng.NextInt(10)] = 1;
        var model = new Sequential(new Dense(64, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy", ["accuracy", "auc"]);
        model.Fit(x, y, epochs: 1, batchSize: 64, verbose: 0);
        return (model, x, y);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(7)]
    [InlineData(530)]
    public void LossAndMetricsAreTheSameOnOneThreadAndOnTwo(int batchSize)
    {
        var (model, x, y) = Trained();
        IReadOnlyDictionary<string, double>? one = null, two = null;
        WithMaxThreads(1, () => one = model.Evaluate(x, y, batchSize));
        WithMaxThreads(2, () => two = model.Evaluate(x, y, batchSize));
        Assert.Equal(one!.Keys.Order(), two!.Keys.Order());
        foreach (var key in one.Keys)
            Assert.True(BitConverter.DoubleToInt64Bits(one[key]) == BitConverter.DoubleToInt64Bits(two[key]),
                $"{key}: {one[key]:R} on one thread, {two[key]:R} on two (batch {batchSize}).");
    }

    [Fact]
    public void TheParallelLossIsTheMeanOfTheBatchLossesWeightedByTheirSize()
    {
        // An independent check of the parallel path: the loss of every sample one at a time, averaged.
        var (model, x, y) = Trained();
        double expected = 0;
        WithMaxThreads(1, () =>
        {
            for (int s = 0; s < 530; s++)
                expected += model.Evaluate(Preprocessing.RowRange(x, s, s + 1), Preprocessing.RowRange(y, s, s + 1), 1)["loss"];
        });
        IReadOnlyDictionary<string, double>? two = null;
        WithMaxThreads(2, () => two = model.Evaluate(x, y, 32));
        Assert.Equal(expected / 530, two!["loss"], 1e-5);
    }

    [Fact]
    public void A_metric_object_starts_each_evaluation_from_nothing()
    {
        // Keras's evaluate resets its metrics first: a metric object given to Compile must count neither an earlier
        // Evaluate's batches nor, in Fit's validation, the epoch's training batches.
        var x = Tensor.FromArray([0f, 1, 2, 3], 4, 1);
        var far = (Tensor.FromArray([0f], 1, 1), Tensor.FromArray([100f], 1, 1));
        var model = new Sequential(new Dense(1, inputShape: [1]));
        model.Compile("sgd", "mse", [new Nabla.Metrics.MeanAbsoluteError()]);
        double alone = model.Evaluate(far.Item1, far.Item2)["mean_absolute_error"];
        model.Evaluate(x, x);
        Assert.Equal(alone, model.Evaluate(far.Item1, far.Item2)["mean_absolute_error"]);
        var history = model.Fit(x, x, epochs: 1, verbose: 0, validationData: far);
        Assert.Equal(model.Evaluate(far.Item1, far.Item2)["mean_absolute_error"], history["val_mean_absolute_error"][0]);
    }
}
