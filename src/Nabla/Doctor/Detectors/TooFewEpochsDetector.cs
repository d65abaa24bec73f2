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
        yield return new(Make(FindingCodes.TooFewEpochs, Severity.Warning,
            $"Training stopped while the model was still learning fast: its accuracy rose by {string.Join(", ", gains.Select(g => g.ToString("P1")))} " +
            $"in the last {window} of its {epochs} epochs, to {accuracy[^1]:P1}, and its loss was still falling ({curve.Losses[^2]:G4} -> {curve.FinalLoss:G4}). " +
            "More epochs would take it further.",
            [FixCodes.TrainLonger],
            ("accuracy_gains", gains), ("threshold", t.StillLearningAccuracyGain), ("window_epochs", window),
            ("epochs", epochs), ("accuracy", R(accuracy[^1])), ("loss", R(curve.FinalLoss))).At(null, null, epochs - 1),
            Floor: Severity.Warning);
    }
}
