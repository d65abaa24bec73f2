using Nabla.Layers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.TestSupport.KernelSettingsScopes;

namespace Nabla.Tests.Metrics;

/// <summary>
/// Keras's crossentropy metrics call the backend functions its losses call (keras/src/metrics/probabilistic_metrics.py
/// wraps keras/src/losses/losses.py's functions), so on the TensorFlow backend they too read the logits behind a softmax or
/// sigmoid output (backend/tensorflow/nn.py, <c>_get_logits</c>). A model's logged crossentropy metric must then equal its
/// loss however saturated the output, through Fit, Evaluate on one thread or on replicas, and with sample weights;
/// where the clip does not bite, and on spans without a tensor, the metric keeps its clipped value.
/// </summary>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class LogitsCrossentropyMetricTests
{
    // 530 × 64 input values: enough for Evaluate to spread its batches over replicas on two threads.
    private const int Samples = 530, Features = 64, Classes = 5;

    private static readonly Tensor X = GradientCheck.Random(11, -1, 1, Samples, Features);
    private static readonly float[] LabelValues = Enumerable.Range(0, Samples).Select(s => (float)(s * 7 % Classes)).ToArray();
    private static readonly Tensor Labels = Tensor.FromArray(LabelValues, Samples);
    private static readonly Tensor OneHot = OneHotOf(LabelValues);
    // Weights 0.5 and 1.5 in turn sum to the sample count, so the weighted metric's Σ w·l / Σ w is the loss's Σ w·l / N.
    private static readonly Tensor Weights = Tensor.FromArray(
        Enumerable.Range(0, Samples).Select(s => s % 2 == 0 ? 0.5f : 1.5f).ToArray(), Samples);

    private static Tensor OneHotOf(float[] labels)
    {
        var oneHot = new Tensor(labels.Length, Classes);
        for (int s = 0; s < labels.Length; s++) oneHot.Data[s * Classes + (int)labels[s]] = 1;
        return oneHot;
    }

    /// <summary>A crossentropy loss and metric of the same kind on an output ending in <paramref name="Activation"/>; the
    /// metric as Compile takes it, a name or an object.</summary>
    public sealed record Case(string Activation, Func<object> Loss, Func<object> Metric, Tensor Targets)
    {
        public Nabla.Metrics.Metric NewMetric() =>
            Metric() is string name ? Nabla.Metrics.Metric.Get(name) : (Nabla.Metrics.Metric)Metric();

        public string Key => Metric() is string name ? name : NewMetric().Name;
    }

    public static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["categorical_crossentropy"] = new("softmax", () => "categorical_crossentropy", () => "categorical_crossentropy", OneHot),
        ["sparse_categorical_crossentropy"] = new("softmax", () => "sparse_categorical_crossentropy",
            () => "sparse_categorical_crossentropy", Labels),
        ["binary_crossentropy"] = new("sigmoid", () => "binary_crossentropy", () => "binary_crossentropy", OneHot),
        ["categorical_crossentropy label_smoothing 0.1"] = new("softmax",
            () => new Nabla.Losses.CategoricalCrossentropy(labelSmoothing: 0.1),
            () => new Nabla.Metrics.CategoricalCrossentropy(labelSmoothing: 0.1), OneHot),
        ["binary_crossentropy label_smoothing 0.1"] = new("sigmoid",
            () => new Nabla.Losses.BinaryCrossentropy(labelSmoothing: 0.1),
            () => new Nabla.Metrics.BinaryCrossentropy(labelSmoothing: 0.1), OneHot),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    /// <summary>A one-layer classifier with seeded weights times <paramref name="scale"/>, compiled with the case's loss and
    /// its metric, unweighted and weighted.</summary>
    private static Sequential Model(Case c, double scale, string? activation = null)
    {
        var model = new Sequential(new Dense(Classes, activation: activation ?? c.Activation, inputShape: [Features]));
        model.Compile(new Nabla.Optimizers.SGD(1e-3), c.Loss(), [c.Metric()], weightedMetrics: [c.Metric()]);
        var kernel = GradientCheck.Random(12, -1, 1, Features, Classes);
        for (int i = 0; i < kernel.Size; i++) kernel.Data[i] *= (float)scale;
        var bias = Tensor.FromArray(Enumerable.Range(0, Classes).Select(i => (float)(0.3 * scale * (i - 2))).ToArray(), Classes);
        model.SetWeights([kernel, bias]);
        return model;
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>The metric computed on plain spans of the model's predictions: the clipped value, as before the logits.</summary>
    private static double Standalone(Case c, Tensor predictions)
    {
        var metric = c.NewMetric();
        metric.Update(c.Targets.Data, predictions.Data, Samples, c.Targets.Size / Samples, Classes);
        return metric.Result();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void After_fit_the_metric_of_a_saturated_output_equals_the_loss(string name)
    {
        var c = Cases[name];
        var model = Model(c, 40);
        string key = c.Key;
        var history = model.Fit(X, c.Targets, epochs: 2, batchSize: 64, verbose: 0);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            Assert.True(history["loss"][epoch] > -Math.Log(Loss.Epsilon), $"loss {history["loss"][epoch]} should exceed the clip's ceiling");
            AssertRelative(history["loss"][epoch], history[key][epoch], 1e-5, $"{key}, epoch {epoch}");
        }
        // With sample weights summing to the sample count the weighted metric is the weighted loss.
        var weighted = Model(c, 40).Fit(X, c.Targets, epochs: 1, batchSize: 64, verbose: 0, sampleWeight: Weights);
        AssertRelative(weighted["loss"][0], weighted["weighted_" + key][0], 1e-5, "weighted_" + key);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void After_evaluate_the_metric_of_a_saturated_output_equals_the_loss_on_one_thread_and_on_replicas(string name)
    {
        var c = Cases[name];
        var model = Model(c, 40);
        string key = c.Key;
        double clipped = Standalone(c, model.Predict(X));
        foreach (int batchSize in new[] { 32, 7 })
        {
            IReadOnlyDictionary<string, double>? one = null, two = null;
            WithMaxThreads(1, () => one = model.Evaluate(X, c.Targets, batchSize));
            WithMaxThreads(2, () => two = model.Evaluate(X, c.Targets, batchSize));
            AssertRelative(one!["loss"], one[key], 1e-5, $"{key} on one thread, batch {batchSize}");
            Assert.Equal(one[key], two![key]);
            Assert.Equal(one["weighted_" + key], two["weighted_" + key]);
            // The clip held the old metric far below the loss.
            Assert.True(clipped < 0.9 * one["loss"], $"the clipped metric {clipped} should fall short of the loss {one["loss"]}");
        }
        double loss = model.Evaluate(X, c.Targets, 32)["loss"];
        AssertRelative(loss, model.Evaluate(Nabla.Data.Dataset.FromArrays(X, c.Targets, batchSize: 32))[key], 1e-5, $"{key} over a dataset");
        var weighted = model.Evaluate(X, c.Targets, 32, sampleWeight: Weights);
        AssertRelative(weighted["loss"], weighted["weighted_" + key], 1e-5, "weighted_" + key);
        AssertRelative(loss, weighted[key], 1e-5, $"{key} beside sample weights");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Where_the_clip_does_not_bite_the_metric_keeps_its_value(string name)
    {
        var c = Cases[name];
        var model = Model(c, 0.1);
        double before = Standalone(c, model.Predict(X));
        string key = c.Key;
        foreach (int threads in new[] { 1, 2 })
            WithMaxThreads(threads, () => AssertRelative(before, model.Evaluate(X, c.Targets, 32)[key], 1e-6, $"{key} on {threads} threads"));
    }

    [Theory]
    [InlineData("categorical_crossentropy")]
    [InlineData("binary_crossentropy")]
    public void A_from_logits_metric_on_a_linear_output_is_unchanged(string name)
    {
        var c = Cases[name] with
        {
            Loss = () => name == "binary_crossentropy"
                ? new Nabla.Losses.BinaryCrossentropy(fromLogits: true)
                : new Nabla.Losses.CategoricalCrossentropy(fromLogits: true),
            Metric = () => name == "binary_crossentropy"
                ? new Nabla.Metrics.BinaryCrossentropy(fromLogits: true)
                : new Nabla.Metrics.CategoricalCrossentropy(fromLogits: true),
        };
        var model = Model(c, 40, activation: "linear");
        double fromSpans = Standalone(c, model.Predict(X));
        var results = model.Evaluate(X, c.Targets, 32);
        Assert.Equal(fromSpans, results[name], 1e-9);
        AssertRelative(results["loss"], results[name], 1e-5, name);
    }

    [Fact]
    public void On_plain_spans_a_probability_crossentropy_keeps_the_clip()
    {
        // A saturated wrong prediction: only a tensor could carry its logits, so the span update clips at −ln(1e-7).
        double ceiling = -Math.Log(Loss.Epsilon);
        var categorical = new Nabla.Metrics.CategoricalCrossentropy();
        categorical.Update([0f, 0, 1], [1f, 0, 0], 1, 3, 3);
        Assert.Equal(ceiling, categorical.Result(), 1e-4);
        var sparse = new Nabla.Metrics.SparseCategoricalCrossentropy();
        sparse.Update([2f], [1f, 0, 0], 1, 1, 3);
        Assert.Equal(ceiling, sparse.Result(), 1e-4);
        var binary = new Nabla.Metrics.BinaryCrossentropy();
        binary.Update([1f], [0f], 1, 1, 1);
        Assert.Equal(ceiling, binary.Result(), 1e-4);
    }

    [Fact]
    public void The_crossentropy_metrics_read_the_logits_of_their_losses_activation_and_no_other_metric_reads_any()
    {
        Assert.Equal("softmax", new Nabla.Metrics.CategoricalCrossentropy().LogitsActivation);
        Assert.Equal("softmax", new Nabla.Metrics.SparseCategoricalCrossentropy(fromLogits: true).LogitsActivation);
        Assert.Equal("sigmoid", new Nabla.Metrics.BinaryCrossentropy().LogitsActivation);
        Assert.Equal(new Nabla.Losses.CategoricalCrossentropy().LogitsActivation, new Nabla.Metrics.CategoricalCrossentropy().LogitsActivation);
        Assert.Equal(new Nabla.Losses.BinaryCrossentropy().LogitsActivation, new Nabla.Metrics.BinaryCrossentropy().LogitsActivation);
        Assert.Null(new CategoricalAccuracy().LogitsActivation);
        foreach (var other in new[] { "kl_divergence", "poisson", "mse", "auc", "categorical_hinge" })
            Assert.Null(Metric.Get(other).LogitsActivation);
    }
}
