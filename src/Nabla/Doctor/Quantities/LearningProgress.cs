namespace Nabla.Doctor;

/// <summary>
/// Did the run learn? AUTOTRAINER's accuracy gate Theta for classifiers with an accuracy series; for other
/// models, a final loss below a share of the starting loss. A run whose loss went non-finite did not.
/// </summary>
internal static class LearningProgress
{
    public static bool Learned(LossCurve curve, bool classifier, DoctorThresholds t)
    {
        if (curve.FirstNonFinite is not null) return false;
        if (classifier && curve.FinalAccuracy is double accuracy) return accuracy >= t.LowAccuracy;
        if (curve.Losses.Count == 0 || !double.IsFinite(curve.EarlyLoss)) return true;
        return curve.FinalLoss <= t.PlateauLossFraction * curve.EarlyLoss;
    }
}
