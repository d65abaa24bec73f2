namespace Nabla.Doctor;

/// <summary>
/// Did the run learn? AUTOTRAINER's accuracy gate Theta for classifiers with an accuracy series, raised above the
/// majority class's share when the classes are imbalanced (<see cref="ClassBalance.Gate"/>); for other
/// models, a final loss below a share of the starting loss and, with mean squared or mean absolute error, below the same
/// share of the loss of the best constant prediction (a regressor that only learned the mean, such as a SimpleRNN on the
/// adding problem at 1/6, or only the median, such as a sigmoid net fitting XOR by MAE, learned nothing about its inputs).
/// Binary cross-entropy against soft targets is judged by the same shares of what lies above its floor, the targets'
/// own entropy. A run whose loss went non-finite did not. Keras measures the training accuracy in training mode, with
/// dropout and other training-only noise on, so a classifier whose validation accuracy passes the gate learned too,
/// provided that accuracy beats always predicting the validation rows' most common class.
/// </summary>
internal static class LearningProgress
{
    /// <param name="majorityShare">The validation rows' most common class share (<see cref="ValidationClasses.MajorityShare"/>);
    /// null when unknown, and then the validation accuracy does not count.</param>
    /// <param name="training">The training rows' classes; null when unknown, and then the gates are Theta itself. The
    /// pipeline leaves it out when the inputs do not vary: the majority class is then all a model can learn, and reaching
    /// its share is no failure of training.</param>
    public static bool Learned(LossCurve curve, bool classifier, DoctorThresholds t, double? majorityShare = null, ClassBalance? training = null)
    {
        if (curve.FirstNonFinite is not null) return false;
        if (classifier && curve.FinalAccuracy is double accuracy)
        {
            return accuracy >= TrainingGate(t, training)
                || (curve.FinalValidationAccuracy is double validation && majorityShare is double majority
                    && validation >= ClassBalance.Gate(t.LowAccuracy, training?.Classes ?? 0, majority) && validation > majority);
        }
        if (curve.Losses.Count == 0 || !double.IsFinite(curve.EarlyLoss)) return true;
        // Losses are compared above the floor no prediction can pass (the soft targets' own entropy under binary
        // cross-entropy, 0 otherwise): only that part of the loss is what the model can still learn.
        double floor = curve.LossFloor;
        if (double.IsFinite(curve.ConstantPredictorLoss) && curve.ConstantPredictorLoss > floor
            && curve.FinalLoss - floor > t.PlateauLossFraction * (curve.ConstantPredictorLoss - floor)) return false;
        return curve.FinalLoss - floor <= t.PlateauLossFraction * (curve.EarlyLoss - floor);
    }

    /// <summary>The training accuracy a classifier must reach to have learned: Theta, raised for imbalanced training rows.</summary>
    public static double TrainingGate(DoctorThresholds t, ClassBalance? training) =>
        training is null ? t.LowAccuracy : ClassBalance.Gate(t.LowAccuracy, training.Classes, training.MajorityShare);
}
