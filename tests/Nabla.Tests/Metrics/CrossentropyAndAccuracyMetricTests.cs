using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Metrics;

namespace Nabla.Tests.Metrics;

/// <summary>
/// Keras 3's crossentropy metrics (keras/src/metrics/probabilistic_metrics.py), SparseTopKCategoricalAccuracy and Accuracy
/// (accuracy_metrics.py) and Sum (reduction_metrics.py). Expected numbers are those of the Keras docstrings (checked by
/// Keras's doctests, in float32) or worked out by hand in the comments.
/// </summary>
public class CrossentropyAndAccuracyMetricTests
{
    private static double Run(Metric m, float[] yTrue, float[] yPred, int batch, float[]? weights = null) =>
        MoreMetricValueTests.Run(m, yTrue, yPred, batch, weights);

    [Fact]
    public void BinaryCrossentropyMatchesKerasDocstring()
    {
        float[] t = [0, 1, 0, 0], p = [0.6f, 0.4f, 0.4f, 0.6f];
        Assert.Equal(0.81492424, Run(new Nabla.Metrics.BinaryCrossentropy(), t, p, 2), 1e-6);
        Assert.Equal(0.9162905, Run(new Nabla.Metrics.BinaryCrossentropy(), t, p, 2, [1, 0]), 1e-6);
    }

    [Fact]
    public void BinaryCrossentropyFromLogitsWithSmoothing()
    {
        // Smoothing 0.2 moves the label 1 to 0.9; the logit 0 is p = 0.5, so the loss is −(0.9 + 0.1)·log 0.5 = log 2.
        Assert.Equal(Math.Log(2), Run(new Nabla.Metrics.BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.2), [1], [0], 1), 1e-9);
        // Label 1, logit 2, no smoothing: log(1 + e^−2).
        Assert.Equal(Math.Log(1 + Math.Exp(-2)), Run(new Nabla.Metrics.BinaryCrossentropy(fromLogits: true), [1], [2], 1), 1e-7);
    }

    [Fact]
    public void CategoricalCrossentropiesMatchKerasDocstrings()
    {
        // Both docstrings: −(log 0.95 + log 0.1) / 2 = 1.1769392; weights [0.3, 0.7] → 1.6271976.
        float[] p = [0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f];
        Assert.Equal(1.1769392, Run(new Nabla.Metrics.CategoricalCrossentropy(), [0, 1, 0, 0, 0, 1], p, 2), 1e-6);
        Assert.Equal(1.6271976, Run(new Nabla.Metrics.CategoricalCrossentropy(), [0, 1, 0, 0, 0, 1], p, 2, [0.3f, 0.7f]), 1e-6);
        Assert.Equal(1.1769392, Run(new Nabla.Metrics.SparseCategoricalCrossentropy(), [1, 2], p, 2), 1e-6);
        Assert.Equal(1.6271976, Run(new Nabla.Metrics.SparseCategoricalCrossentropy(), [1, 2], p, 2, [0.3f, 0.7f]), 1e-6);
    }

    [Fact]
    public void CategoricalCrossentropyFromLogitsWithSmoothing()
    {
        // Equal logits: log_softmax = −log 3 for every class, and smoothed targets still sum to 1 → log 3.
        Assert.Equal(Math.Log(3), Run(new Nabla.Metrics.CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.3), [0, 1, 0], [5, 5, 5], 1), 1e-7);
        // Smoothing 0.3 over 2 classes: targets [0.15, 0.85] against p [0.5, 0.5] → log 2; against [0.2, 0.8]:
        double expected = -(0.15 * Math.Log(0.2) + 0.85 * Math.Log(0.8));
        Assert.Equal(expected, Run(new Nabla.Metrics.CategoricalCrossentropy(labelSmoothing: 0.3), [0, 1], [0.2f, 0.8f], 1), 1e-6);
        Assert.Equal(Math.Log(1 + Math.Exp(-1)), Run(new Nabla.Metrics.SparseCategoricalCrossentropy(fromLogits: true), [1], [0, 1], 1), 1e-7);
    }

    [Fact]
    public void SparseCrossentropyRefusesALabelOutsideTheClasses()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(new Nabla.Metrics.SparseCategoricalCrossentropy(), [3], [0.5f, 0.5f], 1));
        Assert.Contains("label 3", e.Message);
    }

    [Fact]
    public void SparseTopKMatchesKerasDocstring()
    {
        // k = 1: label 2 is not the top of [0.1, 0.9, 0.8], label 1 is → 0.5; weights [0.7, 0.3] → 0.3.
        float[] p = [0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0];
        Assert.Equal(0.5, Run(new SparseTopKCategoricalAccuracy(k: 1), [2, 1], p, 2), 1e-9);
        Assert.Equal(0.3, Run(new SparseTopKCategoricalAccuracy(k: 1), [2, 1], p, 2, [0.7f, 0.3f]), 1e-6);
        Assert.Equal(1.0, Run(new SparseTopKCategoricalAccuracy(k: 2), [2, 1], p, 2), 1e-9);
        Assert.Equal(5, new SparseTopKCategoricalAccuracy().K);
    }

    [Fact]
    public void AccuracyIsExactEquality()
    {
        // Keras docstring: [[1], [2], [3], [4]] against [[0], [2], [3], [4]] → 0.75; weights [1, 1, 0, 0] → 0.5.
        Assert.Equal(0.75, Run(new Accuracy(), [1, 2, 3, 4], [0, 2, 3, 4], 4), 1e-9);
        Assert.Equal(0.5, Run(new Accuracy(), [1, 2, 3, 4], [0, 2, 3, 4], 4, [1, 1, 0, 0]), 1e-9);
        Assert.Equal(0.0, Run(new Accuracy(), [1], [0.9999f], 1)); // no threshold: 0.9999 is not 1
    }

    [Fact]
    public void SumAddsWeightedValues()
    {
        // Keras docstring: [1, 3, 5, 7] → 16; weights [1, 1, 0, 0] → 4.
        var sum = new Sum();
        foreach (var v in new[] { 1.0, 3, 5, 7 }) sum.Update(v);
        Assert.Equal(16, sum.Result());
        sum.Reset();
        foreach (var (v, w) in new[] { (1.0, 1.0), (3, 1), (5, 0), (7, 0) }) sum.Update(v, w);
        Assert.Equal(4, sum.Result());
        Assert.Throws<NotSupportedException>(() => sum.Update([1f], [1f], 1, 1, 1));
    }

    [Fact]
    public void CrossentropyStateAccumulatesOverBatches()
    {
        var bce = new Nabla.Metrics.BinaryCrossentropy();
        bce.Update([1f], [0.5f], 1, 1, 1);               // log 2
        bce.Update([1f, 1], [0.25f, 0.25f], 2, 1, 1);    // log 4, log 4
        Assert.Equal((Math.Log(2) + 2 * Math.Log(4)) / 3, bce.Result(), 1e-6);
    }

    public static TheoryData<string, Type> Aliases() => new()
    {
        { "bce", typeof(Nabla.Metrics.BinaryCrossentropy) },
        { "binary_crossentropy", typeof(Nabla.Metrics.BinaryCrossentropy) },
        { "BinaryCrossentropy", typeof(Nabla.Metrics.BinaryCrossentropy) },
        { "categorical_crossentropy", typeof(Nabla.Metrics.CategoricalCrossentropy) },
        { "sparse_categorical_crossentropy", typeof(Nabla.Metrics.SparseCategoricalCrossentropy) },
        { "sparse_top_k_categorical_accuracy", typeof(SparseTopKCategoricalAccuracy) },
    };

    [Theory]
    [MemberData(nameof(Aliases))]
    public void NamesResolveAndKeepTheIdentifier(string name, Type expected)
    {
        var metric = Metric.Resolve(name, null, [-1, 1], [-1, 3]);
        Assert.IsType(expected, metric);
        Assert.Equal(name, metric.Name);
    }

    [Fact]
    public void TheStringAccuracyStillPicksAFittingAccuracyButTheClassConfigGivesExactAccuracy()
    {
        Assert.IsType<SparseCategoricalAccuracy>(Metric.Resolve("Accuracy", null, [-1, 1], [-1, 3]));
        var config = Config.Parse("""{"class_name": "Accuracy", "config": {"name": "accuracy", "dtype": "float32"}}""");
        Assert.IsType<Accuracy>(Metric.Deserialize(config));
    }

    public static TheoryData<Metric, string> Configs() => new()
    {
        // keras/src/metrics/probabilistic_metrics.py: BinaryCrossentropy(name, dtype, from_logits=False, label_smoothing=0);
        // CategoricalCrossentropy adds axis=-1; SparseCategoricalCrossentropy(name, dtype, from_logits=False, axis=-1).
        { new Nabla.Metrics.BinaryCrossentropy(), """{"name":"binary_crossentropy","dtype":"float32","from_logits":false,"label_smoothing":0}""" },
        { new Nabla.Metrics.CategoricalCrossentropy(), """{"name":"categorical_crossentropy","dtype":"float32","from_logits":false,"label_smoothing":0,"axis":-1}""" },
        { new Nabla.Metrics.SparseCategoricalCrossentropy(), """{"name":"sparse_categorical_crossentropy","dtype":"float32","from_logits":false,"axis":-1}""" },
        // accuracy_metrics.py: SparseTopKCategoricalAccuracy(k=5, name, dtype); Accuracy(name="accuracy", dtype).
        { new SparseTopKCategoricalAccuracy(), """{"name":"sparse_top_k_categorical_accuracy","dtype":"float32","k":5}""" },
        { new Accuracy(), """{"name":"accuracy","dtype":"float32"}""" },
        { new Sum(), """{"name":"sum","dtype":"float32"}""" }, // reduction_metrics.py: Sum(name="sum", dtype)
        { new Nabla.Metrics.BinaryCrossentropy(true, 0.1, "b"), """{"name":"b","dtype":"float32","from_logits":true,"label_smoothing":0.1}""" },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void ConfigHasKerasKeysAndRoundTrips(Metric metric, string expectedJson)
    {
        Assert.Equal(Config.Parse(expectedJson).ToJsonString(), metric.GetConfig().ToJsonString());
        var rebuilt = Metric.Registry.Get(metric.ClassName, Config.Parse(expectedJson));
        Assert.Equal(metric.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
    }

    [Fact]
    public void KerasConfigsWithNoneFlagsAndUnknownKeys()
    {
        var bce = Assert.IsType<Nabla.Metrics.BinaryCrossentropy>(Metric.Registry.Get("BinaryCrossentropy",
            new Config { ["from_logits"] = null, ["label_smoothing"] = null }));
        Assert.False(bce.FromLogits);
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("SparseCategoricalCrossentropy", new Config { ["label_smoothing"] = 0.1 }));
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("CategoricalCrossentropy", new Config { ["axis"] = 1L }));
        Assert.Throws<ArgumentException>(() => new Nabla.Metrics.CategoricalCrossentropy(labelSmoothing: 1.5));
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("SparseTopKCategoricalAccuracy", new Config { ["from_sorted_ids"] = true }));
        Assert.IsType<SparseTopKCategoricalAccuracy>(Metric.Registry.Get("SparseTopKCategoricalAccuracy", new Config { ["from_sorted_ids"] = false }));
    }

    [Fact]
    public void FitLogsCrossentropyAndTopKUnderKerasNames()
    {
        Utils.SetRandomSeed(2);
        var model = new Sequential(new Dense(3, activation: "softmax", inputShape: [2]));
        model.Compile("sgd", "sparse_categorical_crossentropy",
            ["sparse_categorical_crossentropy", new SparseTopKCategoricalAccuracy(k: 2), "bce"]);
        var x = Tensor.FromArray([1f, 0, 0, 1, 1, 1, 0, 0], 4, 2);
        var y = Tensor.FromArray([0f, 1, 2, 0], 4);
        var history = model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 0);
        Assert.Equal(history["loss"][0], history["sparse_categorical_crossentropy"][0], 1e-5); // the metric is the loss
        Assert.Single(history["sparse_top_k_categorical_accuracy"]);
        Assert.Single(history["bce"]);
    }
}
