using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A run that did not learn: its loss stopped improving, sits where a uniform guess puts it, or falls too
/// slowly to get anywhere in the budget. Never reported for a run that learned.</summary>
internal sealed class PlateauDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        var curve = q.Curve;
        if (q.Learned != false || curve.Losses.Count < 2) yield break;
        var (improvement, window) = curve.Improvement(t.PlateauEpochs);
        double after = curve.FinalLoss, uniform = q.Model.UniformGuessLoss;
        // Measured: six sigmoid layers on MNIST at chance accuracy went from 2.333 to 2.305 in 3 epochs, a 1.2%
        // "improvement" toward ln 10 = 2.303, so closeness to the uniform guess counts however the last epochs moved.
        bool atUniformGuess = double.IsFinite(uniform) && Math.Abs(after - uniform) <= uniform * t.UniformGuessLossMargin;
        // Once every gradient is exactly zero no rate, optimizer or budget moves the weights: only a restart with
        // smaller first steps does.
        var fixes = q.Freeze is not null ? [FixCodes.LowerLearningRate]
            : q.Model.AdaptiveOptimizer
            ? new List<string> { FixCodes.RaiseLearningRate, FixCodes.UseLrSchedule }
            : [FixCodes.UseAdam, FixCodes.RaiseLearningRate];
        // A loss still falling, only too slowly for the budget, also gets further with more of it; so may a loss still at
        // the uniform guess, which networks often hold for a while before it breaks (defects4ml 048's CNN, tuning half: at
        // ln 10 after its 2 epochs, 92% validation accuracy after 8). Last, after the rate's fixes.
        if ((improvement >= t.PlateauRelativeImprovement || atUniformGuess) && q.Freeze is null) fixes.Add(FixCodes.TrainLonger);
        yield return new(Make(FindingCodes.LossPlateau, Severity.Error,
            (atUniformGuess ? $"The loss {after:G4} is where a uniform guess over the classes puts it ({uniform:G4}): the model has learned nothing yet. " : "") +
            (improvement >= t.PlateauRelativeImprovement
                ? $"The loss is improving too slowly to learn in this budget ({improvement:P1} over the last {window} epochs) "
                : $"The loss has stopped improving ({improvement:P1} over the last {window} epochs, threshold {t.PlateauRelativeImprovement:P0}) ") +
            $"while still at {after:G4}" + (curve.FinalAccuracy is double acc ? $" with accuracy {acc:P1}." : ".") +
            (q.Freeze is { } freeze ? $" Every gradient has been exactly zero since epoch {freeze.Epoch + 1}, step {freeze.Step}: nothing can move the weights from there." : ""),
            [.. fixes], Evidence(improvement, window, uniform, after, curve.FinalAccuracy, t))
            .At(null, null, curve.Losses.Count - 1));
    }

    /// <summary>The uniform guess (class targets only) and the accuracy (with an accuracy metric only) are listed where
    /// they exist, not as NaN.</summary>
    private static (string, object)[] Evidence(double improvement, int window, double uniform, double loss, double? accuracy, DoctorThresholds t)
    {
        var evidence = new List<(string, object)>
        {
            ("improvement", R(improvement)), ("threshold", t.PlateauRelativeImprovement), ("window_epochs", window),
        };
        if (double.IsFinite(uniform))
        {
            evidence.Add(("uniform_guess_loss", R(uniform)));
            evidence.Add(("uniform_guess_margin", t.UniformGuessLossMargin));
        }
        evidence.Add(("loss", R(loss)));
        if (accuracy is double a) evidence.Add(("accuracy", R(a)));
        return [.. evidence];
    }
}
