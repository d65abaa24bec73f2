using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// Keras <c>AUC</c> with its defaults: the ROC curve at 200 thresholds — −1e-7, i/199 for i = 1..198, and
/// 1 + 1e-7 — summed by the trapezoid rule ("interpolation"; "minoring"/"majoring" take the lower/upper
/// height). All elements are pooled (multi_label false). Predictions are clipped to [0, 1] (or passed
/// through a sigmoid first with from_logits); a label is positive when non-zero.
/// </summary>
public sealed class AUC : Metric
{
    private static readonly string[] SummationMethods = ["interpolation", "minoring", "majoring"];

    // Keras's evenly-spaced fast path: a prediction p lands in bucket ceil(p·(n − 1)) − 1 (at least 0), and
    // counts as positive at every threshold index up to its bucket (p > threshold there).
    private readonly double[] positivesPerBucket, negativesPerBucket;
    private double positives, negatives;

    public AUC(int numThresholds = 200, string summationMethod = "interpolation", bool fromLogits = false, string name = "auc")
        : base(name)
    {
        if (numThresholds < 2)
            throw new ArgumentException($"AUC num_thresholds must be greater than 1; got {numThresholds}.", nameof(numThresholds));
        if (!SummationMethods.Contains(summationMethod))
            throw new ArgumentException(
                $"AUC summation_method must be one of {string.Join(", ", SummationMethods)}; got '{summationMethod}'.",
                nameof(summationMethod));
        NumThresholds = numThresholds;
        SummationMethod = summationMethod;
        FromLogits = fromLogits;
        positivesPerBucket = new double[numThresholds];
        negativesPerBucket = new double[numThresholds];
    }

    public int NumThresholds { get; }
    public string SummationMethod { get; }
    public bool FromLogits { get; }

    public override string ClassName => "AUC";

    public override bool? RisesWhenBetter => true;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["num_thresholds"] = NumThresholds;
        config["curve"] = "ROC";
        config["summation_method"] = SummationMethod;
        config["multi_label"] = false;
        config["num_labels"] = null;
        config["label_weights"] = null;
        config["from_logits"] = FromLogits;
        return config;
    }

    public static AUC FromConfig(Config config)
    {
        // Keras fails on a None curve, summation method or threshold count (AUCCurve.from_str, `num_thresholds <= 1`);
        // its flags are read with `if`, so None is false.
        config.RefuseNull("AUC", "curve", "summation_method", "num_thresholds");
        string curve = config.GetString("curve", "ROC")!;
        if (curve != "ROC") throw new ArgumentException($"AUC curve must be \"ROC\" (PR is not supported); got \"{curve}\".");
        if (config.GetTruthy("multi_label", false)) throw new ArgumentException("AUC multi_label true is not supported.");
        foreach (var key in new[] { "thresholds", "label_weights", "num_labels" })
            if (config.TryGet(key, out var value))
                throw new ArgumentException($"AUC config key '{key}' is not supported; got {Config.Describe(value)}.");
        return new(config.GetInt("num_thresholds", 200), config.GetString("summation_method", "interpolation")!,
            config.GetTruthy("from_logits", false), ReadName(config, "auc"));
    }

    /// <summary>With sample weights each prediction adds its sample's weight to its bucket instead of 1.</summary>
    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        RequireSameWidth(yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        float steps = NumThresholds - 1;
        for (int i = 0; i < yPred.Length; i++)
        {
            float p = FromLogits ? 1f / (1f + MathF.Exp(-yPred[i])) : yPred[i];
            p = Math.Clamp(p, 0f, 1f);
            int bucket = Math.Max((int)MathF.Ceiling(p * steps) - 1, 0);
            double weight = WeightOf(sampleWeight, i / yPredWidth);
            if (yTrue[i] != 0) { positivesPerBucket[bucket] += weight; positives += weight; }
            else { negativesPerBucket[bucket] += weight; negatives += weight; }
        }
    }

    public override double Result()
    {
        // Walk thresholds from the top: TP(i) and FP(i) are the counts in buckets ≥ i.
        double tp = 0, fp = 0, area = 0;
        double upperTpr = 0, upperFpr = 0;
        for (int i = NumThresholds - 1; i >= 0; i--)
        {
            tp += positivesPerBucket[i];
            fp += negativesPerBucket[i];
            double tpr = positives == 0 ? 0 : tp / positives, fpr = negatives == 0 ? 0 : fp / negatives;
            if (i < NumThresholds - 1) area += (fpr - upperFpr) * Height(tpr, upperTpr);
            (upperTpr, upperFpr) = (tpr, fpr);
        }
        return area;
    }

    private double Height(double a, double b) => SummationMethod switch
    {
        "interpolation" => (a + b) / 2,
        "minoring" => Math.Min(a, b),
        _ => Math.Max(a, b),
    };

    public override void Reset()
    {
        Array.Clear(positivesPerBucket);
        Array.Clear(negativesPerBucket);
        positives = negatives = 0;
    }
}
