using Nabla.Configuration;
using Nabla.Losses;

namespace Nabla.Metrics;

/// <summary>
/// Keras <c>FBetaScore</c> (keras/src/metrics/f_score_metrics.py): per class, precision P = TP/(TP + FP + ε) and recall
/// R = TP/(TP + FN + ε) with ε = 1e-7, then (1 + β²)·P·R/(β²·P + R + ε). A prediction is positive when p &gt; threshold,
/// or, with no threshold, when it is its row's largest and |p| &gt; 1e-9. Counts add each sample's weight. average
/// "micro" pools the classes' counts first, "macro" averages the classes' scores, "weighted" weighs them by their
/// (weighted) number of positive targets; null, Keras's default, gives one score per class, which a history cannot hold:
/// read <see cref="ClassResults"/>, or compile with an average.
/// </summary>
public class FBetaScore : Metric
{
    public override bool? RisesWhenBetter => true;

    private static readonly string?[] Averages = [null, "micro", "macro", "weighted"];
    private const double Epsilon = Loss.Epsilon;

    // Per class, allocated at the first update (Keras builds its variables there from the predictions' width).
    private double[] truePositives = [], falsePositives = [], falseNegatives = [], support = [];

    public FBetaScore(string? average = null, double beta = 1.0, double? threshold = null, string name = "fbeta_score") : base(name)
    {
        if (!Averages.Contains(average))
            throw new ArgumentException($"FBetaScore average must be null, \"micro\", \"macro\" or \"weighted\"; got \"{average}\".", nameof(average));
        if (!(beta > 0)) throw new ArgumentException($"FBetaScore beta must be > 0; got {beta}.", nameof(beta));
        if (threshold is { } t && !(t > 0 && t <= 1))
            throw new ArgumentException($"FBetaScore threshold must satisfy 0 < threshold <= 1; got {t}.", nameof(threshold));
        (Average, Beta, Threshold) = (average, beta, threshold);
    }

    public string? Average { get; }
    public double Beta { get; }
    public double? Threshold { get; }

    public override string ClassName => "FBetaScore";

    public override string? VectorResult => Average is null ? "returns one score per class (average null)" : null;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["average"] = Average;
        config["beta"] = Beta;
        config["threshold"] = Threshold;
        return config;
    }

    public static FBetaScore FromConfig(Config config)
    {
        config.RefuseNull("FBetaScore", "beta");
        return new(config.GetString("average", null), config.GetDouble("beta", 1.0), ReadThreshold(config), ReadName(config, "fbeta_score"));
    }

    private protected static double? ReadThreshold(Config config) => config.TryGet("threshold", out _) ? config.GetDouble("threshold") : null;

    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        RequireSameWidth(yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        if (truePositives.Length == 0)
            (truePositives, falsePositives, falseNegatives, support) = (new double[yPredWidth], new double[yPredWidth], new double[yPredWidth], new double[yPredWidth]);
        else if (truePositives.Length != yPredWidth)
            throw new ArgumentException($"Metric '{Name}' counted {truePositives.Length} classes; got predictions of width {yPredWidth}.");
        for (int r = 0; r < batch; r++)
        {
            var t = yTrue.Slice(r * yTrueWidth, yTrueWidth);
            var p = yPred.Slice(r * yPredWidth, yPredWidth);
            float cut = float.NegativeInfinity;
            if (Threshold is null)
                foreach (float v in p) cut = Math.Max(cut, v);
            double w = WeightOf(sampleWeight, r);
            for (int c = 0; c < p.Length; c++)
            {
                double predicted = (Threshold is { } th ? p[c] > th : p[c] >= cut && Math.Abs(p[c]) > 1e-9) ? 1 : 0;
                // Keras multiplies the 0/1 prediction with the target as given, so a target of 0.5 counts half.
                truePositives[c] += w * predicted * t[c];
                falsePositives[c] += w * predicted * (1 - t[c]);
                falseNegatives[c] += w * (1 - predicted) * t[c];
                support[c] += w * t[c];
            }
        }
    }

    /// <summary>The score of each class, or for average "micro" the one pooled score; 0 values before any update.</summary>
    public double[] ClassResults()
    {
        if (Average == "micro") return [Score(truePositives.Sum(), falsePositives.Sum(), falseNegatives.Sum())];
        var scores = new double[truePositives.Length];
        for (int c = 0; c < scores.Length; c++) scores[c] = Score(truePositives[c], falsePositives[c], falseNegatives[c]);
        return scores;
    }

    public override double Result()
    {
        if (Average is null)
            throw new InvalidOperationException($"Metric '{Name}' has average null: it scores each class; read ClassResults() or use an average.");
        var scores = ClassResults();
        if (Average != "weighted") return scores.Length == 0 ? 0 : scores.Average();
        double total = support.Sum(), sum = 0;
        for (int c = 0; c < scores.Length; c++) sum += scores[c] * support[c] / (total + Epsilon);
        return sum;
    }

    private double Score(double tp, double fp, double fn)
    {
        double precision = tp / (tp + fp + Epsilon), recall = tp / (tp + fn + Epsilon), b2 = Beta * Beta;
        return (1 + b2) * (precision * recall / (b2 * precision + recall + Epsilon));
    }

    public override void Reset()
    {
        foreach (var counts in new[] { truePositives, falsePositives, falseNegatives, support }) Array.Clear(counts);
    }
}

/// <summary>Keras <c>F1Score</c>: <see cref="FBetaScore"/> with β = 1; its config has no beta.</summary>
public sealed class F1Score(string? average = null, double? threshold = null, string name = "f1_score")
    : FBetaScore(average, 1.0, threshold, name)
{
    public override string ClassName => "F1Score";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("beta");
        return config;
    }

    public static new F1Score FromConfig(Config config) =>
        new(config.GetString("average", null), ReadThreshold(config), ReadName(config, "f1_score"));
}
