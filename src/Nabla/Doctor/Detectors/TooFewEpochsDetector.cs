using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Training stopped while the model was still learning fast: a classifier that learned, whose training accuracy
/// rose by at least <see cref="DoctorThresholds.StillLearningAccuracyGain"/> in each of the last
/// <see cref="DoctorThresholds.StillLearningEpochs"/> epochs while its loss fell. A run that did not learn is the plateau
/// detector's; a regressor has no accuracy to read the pace from, and is left alone.</summary>
internal sealed class TooFewEpochsDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        var curve = q.Curve;
        int window = t.StillLearningEpochs;
        if (q.Learned != true || curve.Accuracy is not { } accuracy || accuracy.Count < window + 1 || curve.Losses.Count != accuracy.Count)
            yield break;
        var gains = new double[window];
        for (int i = 0; i < window; i++)
        {
            int epoch = accuracy.Count - window + i;
            gains[i] = accuracy[epoch] - accuracy[epoch - 1];
            bool lossFell = curve.Losses[epoch] < curve.Losses[epoch - 1];
            if (gains[i] < t.StillLearningAccuracyGain || !lossFell) yield break;
        }
        int epochs = accuracy.Count;
        // The validation curve over the same epochs, when there is one, tells the user whether the gains carry over to
        // unseen rows; it is reported, not required (dropout can hold the training accuracy below it, and either way).
        // With validationFreq some of those epochs were not validated (NaN): then there is no such curve to report.
        var validation = curve.ValidationAccuracy is { } v && v.Count == accuracy.Count
            ? Enumerable.Range(accuracy.Count - window, window).Select(e => v[e] - v[e - 1]).ToArray() : null;
        if (validation is not null && !validation.All(double.IsFinite)) validation = null;
        string validationText = validation is null ? ""
            : $" Validation accuracy moved by {Points(validation)} over those epochs, to {curve.FinalValidationAccuracy:P1}.";
        var evidence = new List<(string, object)>
        {
            ("accuracy_gains", gains), ("threshold", t.StillLearningAccuracyGain), ("window_epochs", window),
            ("epochs", epochs), ("accuracy", R(accuracy[^1])), ("loss", R(curve.FinalLoss)),
        };
        if (validation is not null) evidence.AddRange([("validation_accuracy_gains", validation), ("validation_accuracy", R(curve.FinalValidationAccuracy!.Value))]);
        yield return new(Make(FindingCodes.TooFewEpochs, Severity.Warning,
            $"Training stopped while the model was still learning fast: its accuracy rose by {Points(gains)} " +
            $"in the last {window} of its {epochs} epochs, to {accuracy[^1]:P1}, and its loss was still falling ({curve.Losses[^2]:G4} -> {curve.FinalLoss:G4})." +
            validationText + " More epochs would take it further.",
            [FixCodes.TrainLonger], [.. evidence]).At(null, null, epochs - 1),
            Floor: Severity.Warning);
    }

    /// <summary>Accuracy changes in percentage points: "9.5 and 5.8 points".</summary>
    private static string Points(double[] gains) =>
        string.Join(" and ", gains.Select(g => (100 * g).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))) + " points";
}
