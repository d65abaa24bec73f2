using System.Globalization;
using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>
/// Overfitting: at the end the validation loss is more than GL_5 above its best (Prechelt's generalization loss, see
/// <see cref="GeneralizationLoss"/>), its best at least k epochs back, while the training loss kept falling after it; a validation loss that
/// rises with the training loss is divergence or oscillation, which have their own detectors. Needs validation data and
/// k + 1 epochs, a run that learned, and a final validation loss above the final training loss. A warning when the
/// cost shows in what the user watches: with an accuracy metric, validation accuracy at the best epoch at least <see cref="DoctorThresholds.OverfittingAccuracyCost"/> above the final one;
/// without one, the validation loss itself is the cost. A classifier whose validation loss rises from over-confidence while
/// its accuracy holds is info. With Fit's validationFreq the strip counts validations, not epochs (as EarlyStopping's
/// patience does), and the messages name the run's epochs.
/// </summary>
internal sealed class OverfittingDetector : IDetector
{
    /// <summary>Accuracies are float32 means: 249 and 240 of 300 samples read 0.83 and 0.80 as 0.8299999833 and 0.8000000119,
    /// a drop of 0.0299999714, so "at least 3 points" allows for that rounding.</summary>
    private const double Float32Rounding = 1e-6;

    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Learned == false || q.Generalization is not { } g || q.Curve.FirstNonFinite is not null) yield break;
        int k = t.OverfittingStripEpochs;
        if (g.EndEpoch + 1 < k + 1) yield break;
        double gl = g.Final;
        // A validation loss that has not improved for a whole strip is a trend, not one noisy epoch (what EarlyStopping
        // with patience k waits for).
        if (!(gl > t.OverfittingGeneralizationLoss) || g.EndEpoch - g.BestEpoch < k || !g.TrainingKeptFalling(k)) yield break;
        // Without a gap (the validation loss still at or below the training loss) the model does not fit its training set
        // better than new data: the rise is noise in the validation loss (dropout or batch statistics), not overfitting.
        if (!(g.FinalValidationLoss > g.TrainLosses[g.EndEpoch])) yield break;

        double? accuracyCost = g.MetricIsAccuracy && g.MetricAtBest is double a && g.FinalMetric is double f ? a - f : null;
        var severity = accuracyCost is double cost && cost < t.OverfittingAccuracyCost - Float32Rounding ? Severity.Info : Severity.Warning;
        var fixes = new[] { FixCodes.EarlyStopping, FixCodes.AddDropout };
        yield return new Detection(Make(FindingCodes.Overfitting, severity, Message(g, gl, severity), fixes,
            Evidence(g, gl, accuracyCost, k, t)).At(null, null, g.Epochs[g.FirstAbove(t.OverfittingGeneralizationLoss) ?? g.EndEpoch]), Floor: severity);
    }

    private static string Message(GeneralizationLoss g, double gl, Severity severity)
    {
        var inv = CultureInfo.InvariantCulture;
        int best = g.BestEpoch, end = g.EndEpoch;
        string stoppedAt = g.MetricName is string name && g.MetricAtBest is double atBest && g.FinalMetric is double final
            ? string.Create(inv, $"val_loss {g.BestValidationLoss:G4} / {name} {atBest:G4} instead of val_loss {g.FinalValidationLoss:G4} / {name} {final:G4}")
            : string.Create(inv, $"val_loss {g.BestValidationLoss:G4} instead of {g.FinalValidationLoss:G4}");
        string text = string.Create(inv,
            $"The validation loss ended {gl:0.#}% above its best (epoch {g.Epochs[best] + 1}) while the training loss kept falling " +
            $"({g.TrainLosses[best]:G4} -> {g.TrainLosses[end]:G4}): the model fits its training set at the expense of new data. " +
            $"Stopping at epoch {g.Epochs[best] + 1} would have ended at {stoppedAt}.");
        if (severity == Severity.Info && g.MetricAtBest is double bestAccuracy && g.FinalMetric is double endAccuracy)
            text += string.Create(inv, $" The validation accuracy held ({bestAccuracy:P1} at the best epoch, {endAccuracy:P1} at the end): the rise is over-confidence, not lost accuracy.");
        return text;
    }

    /// <summary>The metric at the best epoch and at the end are listed where the history has one, not as NaN.</summary>
    private static (string, object)[] Evidence(GeneralizationLoss g, double gl, double? accuracyCost, int k, DoctorThresholds t)
    {
        var evidence = new List<(string, object)>
        {
            ("generalization_loss", R(gl)), ("threshold", t.OverfittingGeneralizationLoss),
            ("best_epoch", g.Epochs[g.BestEpoch] + 1), ("epochs", g.Epochs[g.EndEpoch] + 1),
            ("best_val_loss", R(g.BestValidationLoss)), ("final_val_loss", R(g.FinalValidationLoss)),
            ("train_loss_at_best", R(g.TrainLosses[g.BestEpoch])), ("final_train_loss", R(g.TrainLosses[g.EndEpoch])),
            ("training_progress", R(g.TrainingProgress(g.EndEpoch, k))), ("strip_epochs", k),
        };
        if (g.MetricName is string name && g.MetricAtBest is double atBest && g.FinalMetric is double final)
        {
            evidence.Add(($"{name}_at_best", R(atBest)));
            evidence.Add(($"final_{name}", R(final)));
        }
        if (accuracyCost is double cost)
        {
            evidence.Add(("accuracy_cost", R(cost)));
            evidence.Add(("accuracy_cost_threshold", t.OverfittingAccuracyCost));
        }
        return [.. evidence];
    }
}
