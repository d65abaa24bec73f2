using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Metrics;

namespace Nabla.Tests.Metrics;

/// <summary>
/// Keras 3's mean-of-a-loss metrics (keras/src/metrics/regression_metrics.py, probabilistic_metrics.py, hinge_metrics.py).
/// The expected numbers are those of each class's Keras docstring (its <c>update_state</c> example, unweighted and with the
/// docstring's sample weights), which Keras's doctests check; Keras computes in float32, hence the tolerances.
/// </summary>
public class MoreMetricValueTests
{
    internal static double Run(Metric m, float[] yTrue, float[] yPred, int batch, float[]? weights = null)
    {
        m.Reset();
        m.Update(yTrue, yPred, batch, yTrue.Length / batch, yPred.Length / batch, weights ?? []);
        return m.Result();
    }

    // The docstrings' y_true [[0, 1], [0, 0]] with y_pred [[1, 1], [0, 0]] or [[0.6, 0.4], [0.4, 0.6]], weights [1, 0].
    private static readonly float[] T = [0, 1, 0, 0], P = [1, 1, 0, 0], Q = [0.6f, 0.4f, 0.4f, 0.6f], W = [1, 0];

    public static TheoryData<Metric, float[], double, double> Docstrings() => new()
    {
        { new Nabla.Metrics.MeanSquaredError(), P, 0.25, 0.5 },
        { new Nabla.Metrics.MeanAbsoluteError(), P, 0.25, 0.5 },
        { new RootMeanSquaredError(), P, 0.5, 0.70710677 },
        { new Nabla.Metrics.MeanSquaredLogarithmicError(), P, 0.12011322, 0.24022643 },
        { new LogCoshError(), P, 0.10844523, 0.21689045 },
        { new Poisson(), P, 0.49999997, 0.99999994 },
        { new Nabla.Metrics.KLDivergence(), Q, 0.45814306, 0.9162892 },
        { new Nabla.Metrics.Hinge(), Q, 1.3, 1.1 },
        { new Nabla.Metrics.SquaredHinge(), Q, 1.86, 1.46 },
        { new Nabla.Metrics.CategoricalHinge(), Q, 1.4000001, 1.2 },
    };

    [Theory]
    [MemberData(nameof(Docstrings))]
    public void MatchesKerasDocstring(Metric metric, float[] yPred, double expected, double weighted)
    {
        Assert.Equal(expected, Run(metric, T, yPred, 2), 1e-6);
        Assert.Equal(weighted, Run(metric, T, yPred, 2, W), 1e-6);
    }

    [Fact]
    public void MapeDividesByEpsilonWhereTheTargetIsZero()
    {
        // Keras docstring: 250000000.0, weighted 500000000.0 (|0 − 1| / 1e-7 · 100, halved over the sample's two elements).
        var mape = new Nabla.Metrics.MeanAbsolutePercentageError();
        Assert.Equal(2.5e8, Run(mape, T, P, 2), 2.5e8 * 1e-6);
        Assert.Equal(5e8, Run(mape, T, P, 2, W), 5e8 * 1e-6);
        Assert.Equal(25, Run(mape, [2, 4], [1, 4], 1), 1e-9); // one sample: (100·1/2 + 0) / 2
    }

    [Fact]
    public void CosineSimilarityMatchesKerasDocstring()
    {
        // Keras docstring (axis 1 of a 2-D input, the last axis): rows [0, 1]·[1, 0] = 0 and [1, 1]·[1, 1] / 2 = 1 → 0.5;
        // weights [0.3, 0.7] → 0.7.
        var cosine = new CosineSimilarity();
        Assert.Equal(0.5, Run(cosine, [0, 1, 1, 1], [1, 0, 1, 1], 2), 1e-6);
        Assert.Equal(0.7, Run(cosine, [0, 1, 1, 1], [1, 0, 1, 1], 2, [0.3f, 0.7f]), 1e-6);
        Assert.Equal(-1, Run(cosine, [1, 1], [-2, -2], 1), 1e-6);
    }

    [Fact]
    public void RmseIsTheRootOfTheMeanOverAllSamplesNotTheMeanOfBatchRmses()
    {
        var rmse = new RootMeanSquaredError();
        rmse.Update([0f], [1f], 1, 1, 1);                 // squared error 1 (batch RMSE 1)
        rmse.Update([0f, 0, 0], [3f, 3, 3], 3, 1, 1);     // squared errors 9, 9, 9 (batch RMSE 3)
        Assert.Equal(Math.Sqrt((1 + 27) / 4.0), rmse.Result(), 1e-12); // √7, not (1 + 3) / 2
        rmse.Update([0f], [2f], 1, 1, 1, [0f]);           // a zero weight changes nothing
        Assert.Equal(Math.Sqrt(7), rmse.Result(), 1e-12);
        rmse.Reset();
        Assert.Equal(0, rmse.Result());
    }

    [Fact]
    public void HingeConvertsLabelsOnlyWhenTheWholeBatchIsBinary()
    {
        // Labels {0, 1} become {−1, 1}: max(1 − (−1)·0.5, 0) = 1.5 and max(1 − 0.5, 0) = 0.5 → 1.
        Assert.Equal(1.0, Run(new Nabla.Metrics.Hinge(), [0, 1], [0.5f, 0.5f], 2), 1e-9);
        // With a −1 in the batch the labels stay: 0 gives max(1 − 0, 0) = 1, −1 gives 1.5, 1 gives 0.5 → 1.
        Assert.Equal(1.0, Run(new Nabla.Metrics.Hinge(), [0, -1, 1], [0.5f, 0.5f, 0.5f], 3), 1e-9);
    }

    [Fact]
    public void StateAccumulatesSampleWeightsAcrossBatches()
    {
        // Poisson of p = 1, t = 0 is 1; of p = 2, t = 0 is 2. Weighted mean (1·1 + 3·2) / 4.
        var poisson = new Poisson();
        poisson.Update([0f], [1f], 1, 1, 1, [1f]);
        poisson.Update([0f], [2f], 1, 1, 1, [3f]);
        Assert.Equal(7 / 4.0, poisson.Result(), 1e-6);
    }

    public static TheoryData<string, Type> Aliases() => new()
    {
        { "mape", typeof(Nabla.Metrics.MeanAbsolutePercentageError) },
        { "mean_absolute_percentage_error", typeof(Nabla.Metrics.MeanAbsolutePercentageError) },
        { "msle", typeof(Nabla.Metrics.MeanSquaredLogarithmicError) },
        { "RootMeanSquaredError", typeof(RootMeanSquaredError) },
        { "root_mean_squared_error", typeof(RootMeanSquaredError) },
        { "log_cosh_error", typeof(LogCoshError) },
        { "logcosh", typeof(LogCoshError) },
        { "cosine_similarity", typeof(CosineSimilarity) },
        { "poisson", typeof(Poisson) },
        { "kl_divergence", typeof(Nabla.Metrics.KLDivergence) },
        { "kld", typeof(Nabla.Metrics.KLDivergence) },
        { "hinge", typeof(Nabla.Metrics.Hinge) },
        { "squared_hinge", typeof(Nabla.Metrics.SquaredHinge) },
        { "categorical_hinge", typeof(Nabla.Metrics.CategoricalHinge) },
    };

    [Theory]
    [MemberData(nameof(Aliases))]
    public void NamesResolveInCompileAndKeepTheIdentifier(string name, Type expected)
    {
        var metric = Metric.Resolve(name, null, [-1, 2], [-1, 2]);
        Assert.IsType(expected, metric);
        Assert.Equal(name, metric.Name); // keras/src/trainers/compile_utils.py get_metric names it after the string
        var model = new Sequential(new Dense(2, inputShape: [2]));
        model.Compile("sgd", "mse", [name]); // an unknown name would throw here
    }

    public static TheoryData<Metric, string> Defaults() => new()
    {
        // Each class's __init__ default name (keras/src/metrics/*.py); get_config writes name and dtype only.
        { new RootMeanSquaredError(), "root_mean_squared_error" },
        { new Nabla.Metrics.MeanAbsolutePercentageError(), "mean_absolute_percentage_error" },
        { new Nabla.Metrics.MeanSquaredLogarithmicError(), "mean_squared_logarithmic_error" },
        { new LogCoshError(), "logcosh" },
        { new CosineSimilarity(), "cosine_similarity" },
        { new Poisson(), "poisson" },
        { new Nabla.Metrics.KLDivergence(), "kl_divergence" },
        { new Nabla.Metrics.Hinge(), "hinge" },
        { new Nabla.Metrics.SquaredHinge(), "squared_hinge" },
        { new Nabla.Metrics.CategoricalHinge(), "categorical_hinge" },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void ConfigHasKerasDefaultsAndRoundTrips(Metric metric, string defaultName)
    {
        var config = metric.GetConfig();
        Assert.Equal(defaultName, config["name"]);
        Assert.Equal("float32", config["dtype"]);
        string json = Metric.Serialize(metric).ToJsonString();
        var rebuilt = Metric.Deserialize(Config.Parse(json));
        Assert.Equal(metric.GetType(), rebuilt.GetType());
        Assert.Equal(json, Metric.Serialize(rebuilt).ToJsonString());
        // A config as Keras writes it, with a dtype of None, loads too.
        var keras = new Config { ["name"] = "m", ["dtype"] = null };
        Assert.Equal("m", Metric.Registry.Get(metric.ClassName, keras).Name);
    }

    [Fact]
    public void CosineSimilarityWritesAxisAndRefusesAnotherOne()
    {
        Assert.Equal(-1L, new CosineSimilarity().GetConfig()["axis"]);
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("CosineSimilarity", new Config { ["axis"] = 0L }));
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("Poisson", new Config { ["axis"] = -1L })); // not a Poisson key
    }

    [Fact]
    public void UpdateAllocatesNothingAfterTheFirstBatch()
    {
        // F-scores and R2 size their per-class state, the crossentropies their one-row buffer, at the first update.
        Metric[] metrics = [new RootMeanSquaredError(), new Nabla.Metrics.Hinge(), new CosineSimilarity(), new Nabla.Metrics.KLDivergence(),
            new Nabla.Metrics.CategoricalCrossentropy(labelSmoothing: 0.1), new Nabla.Metrics.BinaryCrossentropy(), new TrueNegatives(),
            new F1Score("macro"), new R2Score(), new Accuracy(), new Nabla.Metrics.CategoricalHinge()];
        float[] t = [1, 0, 0, 1], p = [0.6f, 0.4f, 0.3f, 0.7f];
        float[] labels = [1, 0];
        var sparse = new Nabla.Metrics.SparseCategoricalCrossentropy();
        foreach (var m in metrics) m.Update(t, p, 2, 2, 2);
        sparse.Update(labels, p, 2, 1, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var m in metrics) m.Update(t, p, 2, 2, 2);
        sparse.Update(labels, p, 2, 1, 2);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void FitLogsTheMetricsUnderKerasNames()
    {
        Utils.SetRandomSeed(1);
        var model = new Sequential(new Dense(1, inputShape: [2]));
        model.Compile("sgd", "mse", ["mape", "RootMeanSquaredError", new LogCoshError()]);
        var x = Tensor.FromArray([1f, 2, 3, 4, 5, 6, 7, 8], 4, 2);
        var y = Tensor.FromArray([1f, 2, 3, 4], 4);
        var history = model.Fit(x, y, epochs: 2, batchSize: 2, verbose: 0);
        foreach (var key in new[] { "loss", "mape", "RootMeanSquaredError", "logcosh" })
            Assert.Equal(2, history[key].Count);
        var results = model.Evaluate(x, y, batchSize: 4);
        Assert.Equal(Math.Sqrt(results["loss"]), results["RootMeanSquaredError"], 1e-5); // RMSE² is the MSE loss
    }
}
