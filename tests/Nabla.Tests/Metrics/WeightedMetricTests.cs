using Nabla.Layers;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla.Tests.Metrics;

/// <summary>
/// Keras's <c>weighted_metrics</c> (keras/src/trainers/compile_utils.py, CompileMetrics): the same metrics, updated with
/// the batch's sample weights (Fit's sampleWeight or classWeight, Evaluate's sampleWeight); a mean metric is then
/// Σ w·value / Σ w (keras/src/metrics/reduction_metrics.py), a confusion count adds w. A weighted metric logs under its
/// own name unless an unweighted one has it, then as "weighted_{name}".
/// </summary>
public class WeightedMetricTests
{
    private static readonly Tensor Weights = Tensor.FromArray([1f, 0f, 2f, 0.5f], 4);

    /// <summary>Dense(1) with a zero kernel: predicts 0 for every sample.</summary>
    private static Model PredictsZero(IEnumerable<object?>? metrics, IEnumerable<object?>? weightedMetrics)
    {
        var model = new Sequential(new Dense(1, kernelInitializer: "zeros", inputShape: [1]));
        model.Compile("sgd", "mse", metrics, weightedMetrics: weightedMetrics);
        return model;
    }

    [Fact]
    public void EvaluateWeighsTheWeightedMetricAndNotThePlainOne()
    {
        var model = PredictsZero(["mae"], ["mae"]);
        var (x, y) = (new Tensor(4, 1), Tensor.FromArray([1f, 2, 3, 4], 4));
        var results = model.Evaluate(x, y, batchSize: 2, sampleWeight: Weights);
        Assert.Equal(2.5, results["mae"], 1e-6);                                        // (1 + 2 + 3 + 4) / 4
        Assert.Equal((1 * 1 + 0 * 2 + 2 * 3 + 0.5 * 4) / 3.5, results["weighted_mae"], 1e-6); // Σ w·|e| / Σ w = 9 / 3.5
        // Without sample weights the weighted metric weighs every sample 1.
        Assert.Equal(2.5, model.Evaluate(x, y, batchSize: 2)["weighted_mae"], 1e-6);
    }

    [Fact]
    public void AWeightedMetricAloneKeepsItsName()
    {
        var model = PredictsZero(null, ["mae"]);
        var results = model.Evaluate(new Tensor(4, 1), Tensor.FromArray([1f, 2, 3, 4], 4), sampleWeight: Weights);
        Assert.Equal(9 / 3.5, results["mae"], 1e-6);
        Assert.False(results.ContainsKey("weighted_mae"));
    }

    /// <summary>Identity kernel, no bias: sample i is predicted as argmax of its one-hot x.</summary>
    private static Model IdentityClassifier()
    {
        var model = new Sequential(new Dense(2, activation: "softmax", useBias: false, inputShape: [2]));
        model.Compile(new SGD(learningRate: 0.0), "sparse_categorical_crossentropy", ["accuracy"], weightedMetrics: ["accuracy"]);
        model.SetWeights([Tensor.FromArray([1f, 0, 0, 1], 2, 2)]);
        return model;
    }

    // Predicted classes 0, 1, 0, 1 against labels 0, 1, 1, 1: correct 1, 1, 0, 1.
    private static readonly Tensor X = Tensor.FromArray([1f, 0, 0, 1, 1, 0, 0, 1], 4, 2);
    private static readonly Tensor Labels = Tensor.FromArray([0f, 1, 1, 1], 4);

    [Fact]
    public void WeightedAccuracyIsTheWeightedShareOfCorrectSamples()
    {
        var results = IdentityClassifier().Evaluate(X, Labels, sampleWeight: Weights);
        Assert.Equal(0.75, results["accuracy"], 1e-6);
        Assert.Equal((1 * 1 + 0 * 1 + 2 * 0 + 0.5 * 1) / 3.5, results["weighted_accuracy"], 1e-6);
    }

    [Fact]
    public void FitLogsClassWeightedMetricsUnderKerasKeys()
    {
        // classWeight {1: 3} gives the samples weights 1, 3, 3, 3; the learning rate 0 keeps the predictions fixed.
        var history = IdentityClassifier().Fit(X, Labels, epochs: 1, batchSize: 3, shuffle: false, verbose: 0,
            classWeight: new Dictionary<int, double> { [1] = 3 });
        Assert.Equal(0.75, history["accuracy"][0], 1e-6);
        Assert.Equal((1 + 3 + 0 + 3) / 10.0, history["weighted_accuracy"][0], 1e-6);
    }

    [Fact]
    public void ValidationGetsTheSplitsShareOfTheSampleWeights()
    {
        // The last half (samples 2 and 3, weights 2 and 0.5) validates: correct 0 and 1.
        var history = IdentityClassifier().Fit(X, Labels, epochs: 1, validationSplit: 0.5, shuffle: false, verbose: 0,
            sampleWeight: Weights);
        Assert.Equal(0.5, history["val_accuracy"][0], 1e-6);
        Assert.Equal(0.5 / 2.5, history["val_weighted_accuracy"][0], 1e-6);
    }

    [Fact]
    public void KeysFollowKerasCompileMetrics()
    {
        var keys = new MetricKeys();
        Assert.Equal("mae", keys.Next("mae", null, weighted: false));
        Assert.Equal("mae_1", keys.Next("mae", null, weighted: false));
        Assert.Equal("weighted_mae", keys.Next("mae", null, weighted: true));
        Assert.Equal("weighted_mae_1", keys.Next("mae", null, weighted: true));
        Assert.Equal("out_a_mae", keys.Next("mae", "out_a", weighted: true));
        Assert.Equal("out_a_weighted_mae", keys.Next("mae", "out_a", weighted: true));
    }

    [Fact]
    public void WeightedPrecisionAndRecallCountWeights()
    {
        float[] yTrue = [1, 0, 1, 0], yPred = [0.9f, 0.8f, 0.2f, 0.7f], w = [1, 2, 3, 0.5f];
        var precision = new Precision();
        var recall = new Recall();
        precision.Update(yTrue, yPred, 4, 1, 1, w);
        recall.Update(yTrue, yPred, 4, 1, 1, w);
        Assert.Equal(1 / (1 + 2.5), precision.Result(), 1e-9); // TP 1; FP 2 + 0.5
        Assert.Equal(1 / (1 + 3.0), recall.Result(), 1e-9);    // FN 3
    }

    [Fact]
    public void AWeightOfTwoCountsAsTheSampleTwiceInAuc()
    {
        float[] yTrue = [1, 0, 1, 0, 1], yPred = [0.9f, 0.6f, 0.3f, 0.2f, 0.55f];
        var weighted = new AUC();
        weighted.Update(yTrue, yPred, 5, 1, 1, [2, 1, 1, 2, 1]);
        var repeated = new AUC();
        repeated.Update([1, 1, 0, 1, 0, 0, 1], [0.9f, 0.9f, 0.6f, 0.3f, 0.2f, 0.2f, 0.55f], 7, 1, 1);
        Assert.Equal(repeated.Result(), weighted.Result(), 1e-12);
    }

    [Fact]
    public void AWrongNumberOfWeightsIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new MeanAbsoluteError().Update([1f, 2], [0f, 0], 2, 1, 1, [1f]));
        Assert.Contains("expected 2 sample weights", error.Message);
    }

    [Fact]
    public void AnUnknownWeightedMetricFailsInCompileNamingTheArgument()
    {
        var model = new Sequential(new Dense(1, inputShape: [1]));
        var error = Assert.ThrowsAny<ArgumentException>(() => model.Compile("sgd", "mse", weightedMetrics: ["mea"]));
        Assert.Contains("mea", error.Message);
    }

    [Fact]
    public void WeightedMetricsTravelInTheKerasCompileConfig()
    {
        var model = PredictsZero(["mae"], ["mae", new Precision(name: "p")]);
        string path = Path.Combine(Directory.CreateTempSubdirectory("nabla-weighted-").FullName, "m.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(["mae"], loaded.MetricSpecs);
        Assert.Equal("mae", loaded.WeightedMetricSpecs[0]);
        Assert.Equal("p", Assert.IsType<Precision>(loaded.WeightedMetricSpecs[1]).Name);
    }
}
