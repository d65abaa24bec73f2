using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// Precision or recall at one threshold (Keras default 0.5): every element is a prediction, positive when
/// p &gt; threshold; a target is positive when non-zero (Keras casts labels to bool). With sample weights each
/// element adds its sample's weight to its count instead of 1 (keras/src/metrics/metrics_utils.py,
/// update_confusion_matrix_variables).
/// </summary>
public abstract class ThresholdConfusionMetric(double threshold, string name) : Metric(name)
{
    protected double TruePositives, FalsePositives, FalseNegatives;

    public double Threshold { get; } = threshold;

    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        RequireSameWidth(yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        for (int i = 0; i < yPred.Length; i++)
        {
            bool predicted = yPred[i] > Threshold, actual = yTrue[i] != 0;
            double weight = WeightOf(sampleWeight, i / yPredWidth);
            if (predicted && actual) TruePositives += weight;
            else if (predicted) FalsePositives += weight;
            else if (actual) FalseNegatives += weight;
        }
    }

    public override void Reset() => TruePositives = FalsePositives = FalseNegatives = 0;

    /// <summary>Keras's config: "thresholds" is null for the default 0.5, top_k and class_id are unsupported (null).</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["thresholds"] = Threshold == 0.5 ? null : Threshold;
        config["top_k"] = null;
        config["class_id"] = null;
        return config;
    }

    protected static double ReadThreshold(Config config)
    {
        foreach (var key in new[] { "top_k", "class_id" })
            if (config.TryGet(key, out var value))
                throw new ArgumentException($"Precision/Recall config key '{key}' is not supported; got {Config.Describe(value)}.");
        if (!config.TryGet("thresholds", out var thresholds)) return 0.5;
        if (thresholds is IList<object?> { Count: 1 } list) return Convert.ToDouble(list[0], System.Globalization.CultureInfo.InvariantCulture);
        return config.GetDouble("thresholds");
    }

    /// <summary>a / (a + b), or 0 when both are 0 (Keras's divide_no_nan).</summary>
    protected static double Ratio(double a, double b) => a + b == 0 ? 0 : a / (a + b);
}

/// <summary>Keras <c>Precision</c>: TP / (TP + FP).</summary>
public sealed class Precision(double threshold = 0.5, string name = "precision") : ThresholdConfusionMetric(threshold, name)
{
    public override string ClassName => "Precision";
    public static Precision FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "precision"));
    public override double Result() => Ratio(TruePositives, FalsePositives);
}

/// <summary>Keras <c>Recall</c>: TP / (TP + FN).</summary>
public sealed class Recall(double threshold = 0.5, string name = "recall") : ThresholdConfusionMetric(threshold, name)
{
    public override string ClassName => "Recall";
    public static Recall FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "recall"));
    public override double Result() => Ratio(TruePositives, FalseNegatives);
}
