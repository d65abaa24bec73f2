namespace Nabla.Doctor;

/// <summary>
/// Did the run learn? AUTOTRAINER's accuracy gate Theta for classifiers with an accuracy series; for other
/// models, a final loss below a share of the starting loss and, with mean squared error, below the same share of the
/// loss of always predicting the targets' mean (a regressor that only learned the mean, such as a SimpleRNN on the
/// adding problem at 1/6, learned nothing about its inputs). A run whose loss went non-finite did not.
/// </summary>
internal static class LearningProgress
{
    public static bool Learned(LossCurve curve, bool classifier, DoctorThresholds t)
    {
        if (curve.FirstNonFinite is not null) return false;
        if (classifier && curve.FinalAccuracy is double accuracy) return accuracy >= t.LowAccuracy;
        if (curve.Losses.Count == 0 || !double.IsFinite(curve.EarlyLoss)) return true;
        if (double.IsFinite(curve.MeanPredictorLoss) && curve.MeanPredictorLoss > 0
            && curve.FinalLoss > t.PlateauLossFraction * curve.MeanPredictorLoss) return false;
        return curve.FinalLoss <= t.PlateauLossFraction * curve.EarlyLoss;
    }
}
