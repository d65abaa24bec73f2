namespace Nabla.Doctor;

/// <summary>
/// The epochs a classifier ended with its training accuracy below the learning gate (AUTOTRAINER's Theta, raised for
/// imbalanced classes by <see cref="ClassBalance.Gate"/>). AUTOTRAINER reports gradient problems only while the accuracy
/// is below Theta, so what a layer did in these epochs is what held the model back, even when it learned later.
/// </summary>
internal sealed record StalledEpochs(IReadOnlySet<int> Epochs, int TotalEpochs, double Gate)
{
    public int Count => Epochs.Count;

    /// <summary>Null for a run without a training accuracy series (regressors, models without an accuracy metric).</summary>
    public static StalledEpochs? Of(LossCurve curve, DoctorThresholds t, ClassBalance? training)
    {
        if (curve.Accuracy is not { Count: > 0 } accuracy) return null;
        double gate = LearningProgress.TrainingGate(t, training);
        var below = new HashSet<int>();
        for (int epoch = 0; epoch < accuracy.Count; epoch++)
            if (accuracy[epoch] < gate) below.Add(epoch);
        return new StalledEpochs(below, accuracy.Count, gate);
    }
}
