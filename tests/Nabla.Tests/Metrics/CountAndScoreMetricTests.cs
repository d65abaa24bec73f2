using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Metrics;

namespace Nabla.Tests.Metrics;

/// <summary>
/// Keras 3's confusion counts (keras/src/metrics/confusion_metrics.py), F-scores (f_score_metrics.py) and R2Score
/// (regression_metrics.py). Expected numbers are the Keras docstrings' (checked by its doctests) or worked by hand.
/// </summary>
public class CountAndScoreMetricTests
{
    private static double Run(Metric m, float[] yTrue, float[] yPred, int batch, float[]? weights = null) =>
        MoreMetricValueTests.Run(m, yTrue, yPred, batch, weights);

    public static TheoryData<Metric, float[], float[]> CountDocstrings() => new()
    {
        // Each docstring: update_state(y_true, y_pred) → 2, and with sample_weight [0, 0, 1, 0] → 1.
        { new TruePositives(), [0, 1, 1, 1], [1, 0, 1, 1] },
        { new FalsePositives(), [0, 1, 0, 0], [0, 0, 1, 1] },
        { new TrueNegatives(), [0, 1, 0, 0], [1, 1, 0, 0] },
        { new FalseNegatives(), [0, 1, 1, 1], [0, 1, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(CountDocstrings))]
    public void CountsMatchKerasDocstrings(Metric metric, float[] yTrue, float[] yPred)
    {
        Assert.Equal(2, Run(metric, yTrue, yPred, 4));
        Assert.Equal(1, Run(metric, yTrue, yPred, 4, [0, 0, 1, 0]));
    }

    [Fact]
    public void CountsUseTheThresholdAndAccumulate()
    {
        var tp = new TruePositives(threshold: 0.7);
        tp.Update([1f, 1, 0], [0.8f, 0.7f, 0.9f], 3, 1, 1);        // 0.7 is not above 0.7
        tp.Update([1f, 1], [0.95f, 0.75f], 2, 1, 1, [0.5f, 2]);
        Assert.Equal(1 + 0.5 + 2, tp.Result(), 1e-12);
        var tn = new TrueNegatives();
        tn.Update([0f, 0, 1, 1], [0.1f, 0.5f, 0.2f, 0.9f], 2, 2, 2, [3, 1]); // both negatives are in sample 0 (weight 3)
        Assert.Equal(6, tn.Result());
    }

    // Keras docstring: y_true [[1, 1, 1], [1, 0, 0], [1, 1, 0]], y_pred [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]].
    private static readonly float[] FT = [1, 1, 1, 1, 0, 0, 1, 1, 0], FP = [0.2f, 0.6f, 0.7f, 0.2f, 0.6f, 0.6f, 0.6f, 0.8f, 0];

    private static double[] Scores(FBetaScore metric, float[]? weights = null)
    {
        metric.Update(FT, FP, 3, 3, 3, weights ?? []);
        return metric.ClassResults();
    }

    [Fact]
    public void FScoresPerClassMatchKerasDocstrings()
    {
        Assert.Equal([0.5, 0.8, 0.6666667], Scores(new F1Score(threshold: 0.5)), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal([0.3846154, 0.90909094, 0.8333334], Scores(new FBetaScore(beta: 2.0, threshold: 0.5)), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void FScoreAverages()
    {
        // Per class TP/FP/FN at 0.5: [1, 0, 2], [2, 1, 0], [1, 1, 0]; supports [3, 2, 1].
        Assert.Equal((0.5 + 0.8 + 2 / 3.0) / 3, Run(new F1Score("macro", 0.5), FT, FP, 3), 1e-6);
        Assert.Equal((0.5 * 3 + 0.8 * 2 + 2 / 3.0) / 6, Run(new F1Score("weighted", 0.5), FT, FP, 3), 1e-6);
        Assert.Equal(2 / 3.0, Run(new F1Score("micro", 0.5), FT, FP, 3), 1e-6); // pooled TP 4, FP 2, FN 2
        // Weights [1, 0, 2], micro: TP 2 + 3 + 1 = 6, FP 0, FN 1 → P 1, R 6/7 → 12/13.
        Assert.Equal(12 / 13.0, Run(new F1Score("micro", 0.5), FT, FP, 3, [1, 0, 2]), 1e-6);
    }

    [Fact]
    public void FScoreWithoutThresholdTakesEachRowsLargestAndItsTies()
    {
        // Positives: row 0 class 2; row 1 classes 1 and 2 (tied 0.6); row 2 class 1. Scores [0, 0.5, 2/3].
        Assert.Equal((0 + 0.5 + 2 / 3.0) / 3, Run(new F1Score("macro"), FT, FP, 3), 1e-6);
        // An all-zero row predicts nothing (Keras's |p| > 1e-9), rather than every class.
        Assert.Equal(0, Run(new F1Score("micro"), [1, 0], [0, 0], 1), 1e-9);
    }

    [Fact]
    public void FScoreStateAccumulatesOverBatches()
    {
        var f1 = new F1Score("macro", 0.5);
        f1.Update(FT.AsSpan(0, 3), FP.AsSpan(0, 3), 1, 3, 3);
        f1.Update(FT.AsSpan(3), FP.AsSpan(3), 2, 3, 3);
        Assert.Equal((0.5 + 0.8 + 2 / 3.0) / 3, f1.Result(), 1e-6);
        f1.Reset();
        Assert.Equal(0, f1.Result());
    }

    [Fact]
    public void R2ScoreMatchesKerasDocstringAndAccumulates()
    {
        // Keras docstring: y_true [[1], [4], [3]], y_pred [[2], [4], [4]] → 0.57142854 (1 − 2 / (14/3) = 4/7).
        Assert.Equal(4 / 7.0, Run(new R2Score(), [1, 4, 3], [2, 4, 4], 3), 1e-9);
        var r2 = new R2Score();
        r2.Update([1f], [2f], 1, 1, 1);           // alone, a constant column: its score would be 0
        r2.Update([4f, 3], [4f, 4], 2, 1, 1);
        Assert.Equal(4 / 7.0, r2.Result(), 1e-9); // over all samples, not the mean of the batches' scores
        // Weights [1, 1, 0]: t [1, 4] about their mean 2.5 spread 4.5, residual 1 → 1 − 1/4.5.
        Assert.Equal(1 - 1 / 4.5, Run(new R2Score(), [1, 4, 3], [2, 4, 4], 3, [1, 1, 0]), 1e-9);
    }

    [Fact]
    public void R2ScoreAggregationsAndAdjustment()
    {
        // Columns: [1, 4, 3] vs [2, 4, 4] (spread 14/3, score 4/7) and [0, 0, 2] vs [0, 1, 2] (spread 8/3, score 5/8).
        float[] t = [1, 0, 4, 0, 3, 2], p = [2, 0, 4, 1, 4, 2];
        Assert.Equal((4 / 7.0 + 5 / 8.0) / 2, Run(new R2Score(), t, p, 3), 1e-9);
        Assert.Equal(13 / 22.0, Run(new R2Score("variance_weighted_average"), t, p, 3), 1e-9);
        var perColumn = new R2Score(null);
        perColumn.Update(t, p, 3, 2, 2);
        Assert.Equal([4 / 7.0, 5 / 8.0], perColumn.ClassResults(), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Throws<InvalidOperationException>(() => perColumn.Result());
        // Adjusted with n = 3 values and k = 1: 1 − (3/7)·2/1; k = 2 = n − 1 falls back to R², as Keras does.
        Assert.Equal(1 / 7.0, Run(new R2Score(numRegressors: 1), [1, 4, 3], [2, 4, 4], 3), 1e-9);
        Assert.Equal(4 / 7.0, Run(new R2Score(numRegressors: 2), [1, 4, 3], [2, 4, 4], 3), 1e-9);
    }

    public static TheoryData<Metric, string> Configs() => new()
    {
        // confusion_metrics.py: thresholds=None by default; the name is the snake_case class name.
        { new TruePositives(), """{"name":"true_positives","dtype":"float32","thresholds":null}""" },
        { new FalsePositives(), """{"name":"false_positives","dtype":"float32","thresholds":null}""" },
        { new TrueNegatives(0.3), """{"name":"true_negatives","dtype":"float32","thresholds":0.3}""" },
        { new FalseNegatives(), """{"name":"false_negatives","dtype":"float32","thresholds":null}""" },
        // f_score_metrics.py: average=None, beta=1.0, threshold=None; F1Score drops beta.
        { new FBetaScore(), """{"name":"fbeta_score","dtype":"float32","average":null,"beta":1.0,"threshold":null}""" },
        { new F1Score(), """{"name":"f1_score","dtype":"float32","average":null,"threshold":null}""" },
        { new FBetaScore("weighted", 0.5, 0.4, "fb"), """{"name":"fb","dtype":"float32","average":"weighted","beta":0.5,"threshold":0.4}""" },
        // regression_metrics.py: class_aggregation="uniform_average", num_regressors=0.
        { new R2Score(), """{"name":"r2_score","dtype":"float32","class_aggregation":"uniform_average","num_regressors":0}""" },
        { new R2Score(null, 2), """{"name":"r2_score","dtype":"float32","class_aggregation":null,"num_regressors":2}""" },
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
    public void ConfigsKerasRefusesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("F1Score", new Config { ["beta"] = 2.0 }));
        Assert.Throws<ArgumentException>(() => Metric.Registry.Get("TruePositives", new Config { ["top_k"] = 2L }));
        Assert.Throws<ArgumentException>(() => new FBetaScore(average: "samples"));
        Assert.Throws<ArgumentException>(() => new FBetaScore(threshold: 0));
        Assert.Throws<ArgumentException>(() => new R2Score("raw_values"));
        Assert.Throws<ArgumentException>(() => new R2Score(numRegressors: -1));
        Assert.Equal(0.25, Assert.IsType<FalsePositives>(Metric.Registry.Get("FalsePositives", new Config { ["thresholds"] = new List<object?> { 0.25 } })).Threshold);
    }

    [Theory]
    [InlineData("true_positives", typeof(TruePositives))]
    [InlineData("false_negatives", typeof(FalseNegatives))]
    [InlineData("r2_score", typeof(R2Score))]
    [InlineData("F1Score", typeof(F1Score))]
    [InlineData("fbeta_score", typeof(FBetaScore))]
    public void NamesResolve(string name, Type expected) => Assert.IsType(expected, Metric.Resolve(name, null, [-1, 1], [-1, 1]));

    [Fact]
    public void CompileRefusesAPerClassResultAndFitLogsAnAveragedOne()
    {
        var model = new Sequential(new Dense(2, activation: "sigmoid", inputShape: [2]));
        Assert.Contains("per class", Assert.Throws<ArgumentException>(() => model.Compile("sgd", "binary_crossentropy", ["f1_score"])).Message);
        Assert.Throws<ArgumentException>(() => model.Compile("sgd", "binary_crossentropy", [new R2Score(null)]));
        model.Compile("sgd", "binary_crossentropy", [new F1Score("macro", 0.5), "true_positives", "r2_score"]);
        var x = Tensor.FromArray([1f, 0, 0, 1, 1, 1, 0, 0], 4, 2);
        var y = Tensor.FromArray([1f, 0, 0, 1, 1, 1, 0, 0], 4, 2);
        var history = model.Fit(x, y, epochs: 2, batchSize: 2, verbose: 0);
        foreach (var key in new[] { "f1_score", "true_positives", "r2_score" }) Assert.Equal(2, history[key].Count);
    }
}
