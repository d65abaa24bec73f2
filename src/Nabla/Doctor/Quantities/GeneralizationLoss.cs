namespace Nabla.Doctor;

/// <summary>
/// Prechelt's early-stopping quantities ("Early Stopping — But When?", Neural Networks: Tricks of the Trade, 1998) over
/// the per-epoch history: the generalization loss GL(t) = 100·(E_va(t)/E_opt(t) − 1), E_opt(t) the lowest validation loss
/// up to epoch t, and the training progress P_k(t) = 1000·(Σ_{t' in strip} E_tr(t') / (k · min_{t' in strip} E_tr(t')) − 1)
/// over the strip of the last k epochs up to t. "The end" is the epoch whose weights the model holds: the last one, or
/// the best one when EarlyStopping restored its weights. Epochs are 0-based. With Fit's validationFreq the series hold the
/// validated epochs only, so an index counts validation points (a strip of k is k validations, as Keras's EarlyStopping
/// counts its patience), and <see cref="Epochs"/> maps each index to its epoch.
/// </summary>
internal sealed record GeneralizationLoss
{
    /// <summary>The run's epoch (0-based) of each point of the series: 0, 1, 2... or, validating every n-th epoch, n − 1, 2n − 1...</summary>
    public required IReadOnlyList<int> Epochs { get; init; }

    public required IReadOnlyList<double> TrainLosses { get; init; }

    public required IReadOnlyList<double> ValidationLosses { get; init; }

    /// <summary>A validation metric's series ("val_accuracy", or another "val_" metric), if the history has one.</summary>
    public IReadOnlyList<double>? ValidationMetric { get; init; }

    /// <summary>Its history key ("val_accuracy", "val_mae"...); null without one.</summary>
    public string? MetricName { get; init; }

    /// <summary>The metric is an accuracy (higher is better, and a drop is what a classifier's user watches).</summary>
    public bool MetricIsAccuracy => MetricName?.Contains("acc", StringComparison.Ordinal) == true;

    /// <summary>The epoch whose weights the model ends with.</summary>
    public required int EndEpoch { get; init; }

    /// <summary>The epoch of the lowest validation loss up to the end (the first, on a tie).</summary>
    public int BestEpoch
    {
        get
        {
            int best = 0;
            for (int t = 1; t <= EndEpoch; t++)
                if (ValidationLosses[t] < ValidationLosses[best]) best = t;
            return best;
        }
    }

    public double BestValidationLoss => ValidationLosses[BestEpoch];

    public double FinalValidationLoss => ValidationLosses[EndEpoch];

    public double? MetricAtBest => ValidationMetric?[BestEpoch];

    public double? FinalMetric => ValidationMetric?[EndEpoch];

    /// <summary>GL(t) in percent: how far epoch t's validation loss is above the lowest one so far.</summary>
    public double At(int t)
    {
        double optimum = double.PositiveInfinity;
        for (int i = 0; i <= t; i++) optimum = Math.Min(optimum, ValidationLosses[i]);
        return 100 * (ValidationLosses[t] / optimum - 1);
    }

    /// <summary>GL at the end.</summary>
    public double Final => At(EndEpoch);

    /// <summary>The first epoch at which GL exceeded <paramref name="alpha"/> (Prechelt's GL_alpha stops there); null if none.</summary>
    public int? FirstAbove(double alpha)
    {
        for (int t = 0; t <= EndEpoch; t++) if (At(t) > alpha) return t;
        return null;
    }

    /// <summary>P_k(t) in per mille: how much the training loss still moved within the strip of k epochs ending at t;
    /// NaN before k epochs.</summary>
    public double TrainingProgress(int t, int k)
    {
        if (k < 1 || t + 1 < k) return double.NaN;
        double sum = 0, min = double.PositiveInfinity;
        for (int i = t - k + 1; i <= t; i++)
        {
            sum += TrainLosses[i];
            min = Math.Min(min, TrainLosses[i]);
        }
        return 1000 * (sum / (k * min) - 1);
    }

    /// <summary>The training loss kept falling after the best validation epoch: lower at the end than there, and lower on
    /// average over the last <paramref name="k"/> epochs (so a single lucky epoch does not count).</summary>
    public bool TrainingKeptFalling(int k)
    {
        int best = BestEpoch;
        if (EndEpoch <= best) return false;
        double atBest = TrainLosses[best];
        int from = Math.Max(best + 1, EndEpoch - k + 1);
        double strip = 0;
        for (int i = from; i <= EndEpoch; i++) strip += TrainLosses[i];
        strip /= EndEpoch - from + 1;
        return TrainLosses[EndEpoch] < atBest && strip < atBest;
    }

    /// <summary>From a history with "loss" and "val_loss", both finite at every validated epoch up to the end; null
    /// otherwise. <paramref name="heldEpoch"/>: the epoch whose weights the model holds when not the last;
    /// <paramref name="validationFreq"/>: Fit's, validating at epochs n − 1, 2n − 1... (NaN at the others).</summary>
    public static GeneralizationLoss? Of(IReadOnlyDictionary<string, List<double>> history, int? heldEpoch, int validationFreq = 1)
    {
        if (!history.TryGetValue("loss", out var train) || !history.TryGetValue("val_loss", out var validation)) return null;
        int epochs = Math.Min(train.Count, validation.Count);
        int held = Math.Min(heldEpoch ?? epochs - 1, epochs - 1);
        int[] validated = [.. Enumerable.Range(0, Math.Max(held + 1, 0)).Where(e => (e + 1) % validationFreq == 0)];
        if (validated.Length == 0) return null;
        foreach (int e in validated)
            if (!double.IsFinite(train[e]) || !double.IsFinite(validation[e]) || validation[e] <= 0) return null;
        var (name, metric) = ValidationMetricOf(history, epochs);
        return new GeneralizationLoss
        {
            Epochs = validated,
            TrainLosses = [.. validated.Select(e => train[e])],
            ValidationLosses = [.. validated.Select(e => validation[e])],
            EndEpoch = validated.Length - 1,
            MetricName = name,
            ValidationMetric = metric is null ? null : [.. validated.Select(e => metric[e])],
        };
    }

    /// <summary>"val_accuracy" (any validation accuracy) first, else the first other validation metric that is not a loss.</summary>
    private static (string?, IReadOnlyList<double>?) ValidationMetricOf(IReadOnlyDictionary<string, List<double>> history, int epochs)
    {
        var metrics = history
            .Where(kv => kv.Key.StartsWith("val_", StringComparison.Ordinal) && !kv.Key.EndsWith("loss", StringComparison.Ordinal)
                         && kv.Value.Count >= epochs)
            .OrderByDescending(kv => kv.Key.Contains("acc", StringComparison.Ordinal))
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        return metrics.Count == 0 ? (null, null) : (metrics[0].Key, metrics[0].Value);
    }
}
