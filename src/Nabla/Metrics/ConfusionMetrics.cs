using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// Confusion counts at one threshold (Keras default 0.5): every element is a prediction, positive when
/// p &gt; threshold; a target is positive when non-zero (Keras casts labels to bool). With sample weights each
/// element adds its sample's weight to its count instead of 1 (keras/src/metrics/metrics_utils.py,
/// update_confusion_matrix_variables). Keras takes a list of thresholds and then returns one value per threshold;
/// Nabla takes one.
/// </summary>
public abstract class ThresholdConfusionMetric(double threshold, string name) : Metric(name)
{
    protected double TruePositiveCount, FalsePositiveCount, TrueNegativeCount, FalseNegativeCount;

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
            if (predicted && actual) TruePositiveCount += weight;
            else if (predicted) FalsePositiveCount += weight;
            else if (actual) FalseNegativeCount += weight;
            else TrueNegativeCount += weight;
        }
    }

    public override void Reset() => TruePositiveCount = FalsePositiveCount = TrueNegativeCount = FalseNegativeCount = 0;

    /// <summary>Keras writes the thresholds given, null by default (0.5).</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["thresholds"] = Threshold == 0.5 ? null : Threshold;
        return config;
    }

    /// <summary>The threshold from "thresholds": null or absent for 0.5, a number, or a list of one number.</summary>
    protected static double ReadThreshold(Config config)
    {
        if (!config.TryGet("thresholds", out var thresholds)) return 0.5;
        if (thresholds is IList<object?> { Count: 1 } list) return Convert.ToDouble(list[0], System.Globalization.CultureInfo.InvariantCulture);
        return config.GetDouble("thresholds");
    }

    /// <summary>a / (a + b), or 0 when both are 0 (Keras's divide_no_nan).</summary>
    protected static double Ratio(double a, double b) => a + b == 0 ? 0 : a / (a + b);
}

/// <summary>Precision and recall also write Keras's top_k and class_id, which Nabla does not support (null).</summary>
public abstract class PrecisionRecallMetric(double threshold, string name) : ThresholdConfusionMetric(threshold, name)
{
    public override bool? RisesWhenBetter => true;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["top_k"] = null;
        config["class_id"] = null;
        return config;
    }

    protected static new double ReadThreshold(Config config)
    {
        foreach (var key in new[] { "top_k", "class_id" })
            if (config.TryGet(key, out var value))
                throw new ArgumentException($"Precision/Recall config key '{key}' is not supported; got {Config.Describe(value)}.");
        return ThresholdConfusionMetric.ReadThreshold(config);
    }
}

/// <summary>Keras <c>Precision</c>: TP / (TP + FP).</summary>
public sealed class Precision(double threshold = 0.5, string name = "precision") : PrecisionRecallMetric(threshold, name)
{
    public override string ClassName => "Precision";
    public static Precision FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "precision"));
    public override double Result() => Ratio(TruePositiveCount, FalsePositiveCount);
}

/// <summary>Keras <c>Recall</c>: TP / (TP + FN).</summary>
public sealed class Recall(double threshold = 0.5, string name = "recall") : PrecisionRecallMetric(threshold, name)
{
    public override string ClassName => "Recall";
    public static Recall FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "recall"));
    public override double Result() => Ratio(TruePositiveCount, FalseNegativeCount);
}

/// <summary>Keras <c>TruePositives</c> (keras/src/metrics/confusion_metrics.py): the (weighted) count of positive
/// predictions of positive targets.</summary>
public sealed class TruePositives(double threshold = 0.5, string name = "true_positives") : ThresholdConfusionMetric(threshold, name)
{
    public override string ClassName => "TruePositives";
    public static TruePositives FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "true_positives"));
    public override double Result() => TruePositiveCount;
}

/// <summary>Keras <c>FalsePositives</c>: the (weighted) count of positive predictions of negative targets.</summary>
public sealed class FalsePositives(double threshold = 0.5, string name = "false_positives") : ThresholdConfusionMetric(threshold, name)
{
    public override string ClassName => "FalsePositives";
    public static FalsePositives FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "false_positives"));
    public override double Result() => FalsePositiveCount;
}

/// <summary>Keras <c>TrueNegatives</c>: the (weighted) count of negative predictions of negative targets.</summary>
public sealed class TrueNegatives(double threshold = 0.5, string name = "true_negatives") : ThresholdConfusionMetric(threshold, name)
{
    public override string ClassName => "TrueNegatives";
    public static TrueNegatives FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "true_negatives"));
    public override double Result() => TrueNegativeCount;
}

/// <summary>Keras <c>FalseNegatives</c>: the (weighted) count of negative predictions of positive targets.</summary>
public sealed class FalseNegatives(double threshold = 0.5, string name = "false_negatives") : ThresholdConfusionMetric(threshold, name)
{
    public override string ClassName => "FalseNegatives";
    public static FalseNegatives FromConfig(Config config) => new(ReadThreshold(config), ReadName(config, "false_negatives"));
    public override double Result() => FalseNegativeCount;
}
