namespace Nabla.Doctor;

/// <summary>What the doctor observed during one training run, before any quantity is derived from it.</summary>
internal sealed class TrainingRecord
{
    public required ModelQuantities Model { get; set; }

    public IReadOnlyList<LayerSample> Samples { get; set; } = [];

    /// <summary>Validation classes without training rows, read from the fit's targets when training begins.</summary>
    public ValidationClasses? ValidationClasses { get; set; }

    /// <summary>The training rows' classes and majority share, read from the fit's targets when training begins.</summary>
    public ClassBalance? TrainingClasses { get; set; }

    /// <summary>The classes of the first epoch's batches, counted as they train: a dataset's Fit has no targets up front
    /// to read <see cref="TrainingClasses"/> from. Null before any batch, and once a batch's targets are not class labels.</summary>
    public ClassBalance? FirstEpochClasses =>
        classCounts is { Count: > 0 } counts ? new ClassBalance(counts.Count, counts.Values.Max() / (double)counts.Values.Sum()) : null;

    /// <summary>The classes the first epoch's batches hold; null as <see cref="FirstEpochClasses"/> is.</summary>
    public IReadOnlySet<int>? FirstEpochClassSet => classCounts is { Count: > 0 } counts ? counts.Keys.ToHashSet() : null;

    /// <summary>The training classes the detectors read: the fit's targets', else the first epoch's batches'.</summary>
    public ClassBalance? Classes => TrainingClasses ?? FirstEpochClasses;

    private Dictionary<int, long>? classCounts = [];

    /// <summary>Counts a training batch's classes for <see cref="FirstEpochClasses"/> (integer labels or one-hot rows).</summary>
    public void AddClassLabels(Tensor y)
    {
        if (classCounts is null) return;
        if (y.Rank == 0 || ValidationClasses.ClassesOf(y, y.Shape[0]) is not { } classes)
        {
            classCounts = null;
            return;
        }
        foreach (int c in classes) classCounts[c] = classCounts.GetValueOrDefault(c) + 1;
    }

    public IReadOnlyDictionary<string, List<double>> History { get; set; } = new Dictionary<string, List<double>>();

    /// <summary>The loss of the very first batch, before any update.</summary>
    public double InitialLoss { get; set; } = double.NaN;

    /// <summary>The mean loss of the first <see cref="DoctorThresholds.EarlyLossSteps"/> steps: the starting loss
    /// with less batch noise than <see cref="InitialLoss"/>.</summary>
    public double EarlyLoss => earlyLossCount == 0 ? double.NaN : earlyLossSum / earlyLossCount;

    private double earlyLossSum;
    private int earlyLossCount;

    public void AddEarlyLoss(double loss, int steps)
    {
        if (earlyLossCount >= steps || !double.IsFinite(loss)) return;
        earlyLossSum += loss;
        earlyLossCount++;
    }

    /// <summary>The variance of the targets seen in the first epoch: the MSE of always predicting their mean; NaN before any.</summary>
    public double TargetVariance => targetCount < 2 ? double.NaN : Math.Max(0, targetSumOfSquares / targetCount - Math.Pow(targetSum / targetCount, 2));

    /// <summary>The mean of the targets seen in the first epoch; NaN before any.</summary>
    public double TargetMean => targetCount == 0 ? double.NaN : targetSum / targetCount;

    private double targetSum, targetSumOfSquares;
    private long targetCount;

    /// <summary>Targets kept for <see cref="MedianAbsoluteDeviation"/>: the first epoch's, up to this many values.</summary>
    public const int MaxKeptTargets = 1 << 20;

    private readonly List<float> keptTargets = [];

    /// <summary>Adds a batch's targets to <see cref="TargetVariance"/> and <see cref="MedianAbsoluteDeviation"/>.</summary>
    public void AddTargets(ReadOnlySpan<float> targets)
    {
        foreach (float y in targets)
        {
            targetSum += y;
            targetSumOfSquares += (double)y * y;
        }
        targetCount += targets.Length;
        if (keptTargets.Count + targets.Length <= MaxKeptTargets) keptTargets.AddRange(targets);
    }

    /// <summary>The mean absolute error of always predicting each target column's median (the best constant under MAE),
    /// over the first epoch's targets; NaN before any.</summary>
    public double MedianAbsoluteDeviation(int columns)
    {
        if (columns <= 0 || keptTargets.Count < 2 || keptTargets.Count % columns != 0) return double.NaN;
        int rows = keptTargets.Count / columns;
        var column = new float[rows];
        double sum = 0;
        for (int c = 0; c < columns; c++)
        {
            for (int r = 0; r < rows; r++) column[r] = keptTargets[r * columns + c];
            Array.Sort(column);
            double median = rows % 2 == 1 ? column[rows / 2] : 0.5 * (column[rows / 2 - 1] + column[rows / 2]);
            foreach (float y in column) sum += Math.Abs(y - median);
        }
        return sum / keptTargets.Count;
    }

    /// <summary>For binary cross-entropy against soft targets (some strictly between 0 and 1, as pixels an autoencoder
    /// reconstructs): the loss of always predicting each target column's mean, the mean binary entropy H(ȳ_c) of the
    /// columns, and the lowest loss any prediction reaches, the targets' own mean binary entropy H(y) (predicting each
    /// target exactly); over the first epoch's targets. Null for 0/1 targets (the floor is then 0) or before any.</summary>
    public (double constant, double floor)? BinaryCrossEntropyBounds(int columns)
    {
        if (columns <= 0 || keptTargets.Count < 2 || keptTargets.Count % columns != 0) return null;
        if (keptTargets.TrueForAll(y => y is 0f or 1f) || !keptTargets.TrueForAll(y => y is >= 0f and <= 1f)) return null;
        int rows = keptTargets.Count / columns;
        double constant = 0, floor = 0;
        for (int c = 0; c < columns; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += keptTargets[r * columns + c];
            constant += BinaryEntropy(sum / rows);
        }
        foreach (float y in keptTargets) floor += BinaryEntropy(y);
        return (constant / columns, floor / keptTargets.Count);
    }

    /// <summary>−p ln p − (1 − p) ln(1 − p), in nats; 0 at 0 and 1.</summary>
    internal static double BinaryEntropy(double p) =>
        p is <= 0 or >= 1 ? 0 : -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));

    public (int epoch, long step, double loss)? FirstNonFinite { get; set; }

    /// <summary>The epoch (0-based) whose weights the model ended with when not the last: the best epoch, when an
    /// EarlyStopping callback restores its best weights at the end; null otherwise.</summary>
    public int? HeldEpoch { get; set; }

    /// <summary>Fit's validationFreq: the validation logs come at every n-th epoch, NaN in the history between.</summary>
    public int ValidationFreq { get; init; } = 1;

    /// <summary>The learning-rate probe's measurement, if one was taken.</summary>
    public LearningRateResponse? RateResponse { get; set; }

    /// <summary>For each layer whose kernel got no gradient: the operations that cut the path, if any.</summary>
    public Dictionary<string, IReadOnlyList<string>> Blockers { get; } = [];

    public IReadOnlyList<double> Losses => History.TryGetValue("loss", out var l) ? l : [];

    /// <summary>The training accuracy series, if an accuracy metric was compiled.</summary>
    public IReadOnlyList<double>? Accuracy => AccuracySeries(validation: false);

    /// <summary>The validation accuracy series, if the run had validation data and an accuracy metric.</summary>
    public IReadOnlyList<double>? ValidationAccuracy => AccuracySeries(validation: true);

    private List<double>? AccuracySeries(bool validation) =>
        History.FirstOrDefault(kv => kv.Key.StartsWith("val_", StringComparison.Ordinal) == validation && kv.Key.Contains("accuracy")).Value;

    /// <summary>Records which operations cut the path from the loss to each probed kernel that got no gradient.</summary>
    public void FindBlockers(Autograd.Graph graph, IEnumerable<LayerProbe> probes)
    {
        foreach (var probe in probes)
            if (probe.Layer.Kernel.Weight.Grad is null)
                Blockers[probe.Layer.Name] = graph.BlockersOf(probe.Layer.Kernel.Weight).Select(op => op.Name).Distinct().ToList();
    }

    /// <summary>For each layer with a weight that gets no gradient, why, from the model's structure: frozen, reaching no
    /// output with a loss, or cut by a named op of a named layer (<see cref="Model.FindMissingGradients"/>).</summary>
    public Dictionary<string, string> MissingGradientCauses { get; } = [];

    /// <summary>Layers with a weight that no loss reaches (a branch ending in nothing or in an output without a loss).</summary>
    public HashSet<string> UnreachedLayers { get; } = [];

    public void FindMissingGradientCauses(Model model)
    {
        foreach (var missing in model.FindMissingGradients())
        {
            MissingGradientCauses.TryAdd(missing.Layer.Name, missing.Explanation);
            if (missing.Reason == MissingGradientReason.ReachesNoLoss) UnreachedLayers.Add(missing.Layer.Name);
        }
    }
}
