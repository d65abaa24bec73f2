namespace Nabla.Doctor;

/// <summary>Everything the analyzer looks at, gathered during one training run.</summary>
internal sealed class TrainingRecord
{
    public IReadOnlyList<LayerSample> Samples { get; set; } = [];

    public IReadOnlyDictionary<string, List<double>> History { get; set; } = new Dictionary<string, List<double>>();

    public IReadOnlyList<Finding> StaticFindings { get; set; } = [];

    /// <summary>The loss of the very first batch, before any update.</summary>
    public double InitialLoss { get; set; } = double.NaN;

    /// <summary>The mean loss of the first <see cref="DoctorThresholds.EarlyLossSteps"/> steps: the starting loss
    /// with less batch noise than <see cref="InitialLoss"/> (the "has it learned" gate compares against it).</summary>
    public double EarlyLoss => earlyLossCount == 0 ? double.NaN : earlyLossSum / earlyLossCount;

    private double earlyLossSum;
    private int earlyLossCount;

    public void AddEarlyLoss(double loss, int steps)
    {
        if (earlyLossCount >= steps || !double.IsFinite(loss)) return;
        earlyLossSum += loss;
        earlyLossCount++;
    }

    public (int epoch, long step, double loss)? FirstNonFinite { get; set; }

    public double LearningRate { get; set; }

    public bool IsClassifier { get; set; }

    /// <summary>The cross-entropy of predicting every class with equal probability (ln k; ln 2 for one sigmoid
    /// unit); NaN when the loss is not a cross-entropy.</summary>
    public double UniformGuessLoss { get; set; } = double.NaN;

    public bool AdaptiveOptimizer { get; set; }

    /// <summary>The loss is a cross-entropy (wants probabilities), not a regression loss: decides which output fix comes first.</summary>
    public bool CrossEntropyLoss { get; set; }

    /// <summary>For each layer whose kernel got no gradient: the operations that cut the path, if any.</summary>
    public Dictionary<string, IReadOnlyList<string>> Blockers { get; } = [];

    public IReadOnlyList<double> Losses => History.TryGetValue("loss", out var l) ? l : [];

    /// <summary>The training accuracy series, if an accuracy metric was compiled.</summary>
    public IReadOnlyList<double>? Accuracy =>
        History.FirstOrDefault(kv => !kv.Key.StartsWith("val_", StringComparison.Ordinal) && kv.Key.Contains("accuracy")).Value;
}
