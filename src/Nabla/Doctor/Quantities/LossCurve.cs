namespace Nabla.Doctor;

/// <summary>
/// Loss-curve statistics of one run: where the loss started and ended, how much it moved over the last
/// epochs, how often it went back up, and the accuracy series if there is one.
/// </summary>
internal sealed record LossCurve
{
    public IReadOnlyList<double> Losses { get; init; } = [];

    public IReadOnlyList<double>? Accuracy { get; init; }

    /// <summary>The validation accuracy series, if the run had validation data and an accuracy metric.</summary>
    public IReadOnlyList<double>? ValidationAccuracy { get; init; }

    /// <summary>The very first batch's loss, before any update.</summary>
    public double InitialLoss { get; init; } = double.NaN;

    /// <summary>The mean loss of the first steps (see <see cref="DoctorThresholds.EarlyLossSteps"/>).</summary>
    public double EarlyLoss { get; init; } = double.NaN;

    public (int epoch, long step, double loss)? FirstNonFinite { get; init; }

    /// <summary>The loss of the best constant prediction, which learns nothing about the inputs: for mean squared error
    /// the targets' variance (predicting their mean), for mean absolute error their mean distance to the median; over the
    /// first epoch's targets; NaN for other losses.</summary>
    public double ConstantPredictorLoss { get; init; } = double.NaN;

    /// <summary>The lowest loss any prediction can reach: 0, except for binary cross-entropy against soft targets, whose
    /// loss cannot fall below the targets' own entropy (<see cref="TrainingRecord.BinaryCrossEntropyBounds"/>).</summary>
    public double LossFloor { get; init; }

    public double FinalLoss => Losses.Count > 0 ? Losses[^1] : double.NaN;

    public double? FinalAccuracy => Accuracy is { Count: > 0 } a ? a[^1] : null;

    /// <summary>Fit's validationFreq: the validation series holds NaN at the epochs it did not validate.</summary>
    public int ValidationFreq { get; init; } = 1;

    /// <summary>The validation accuracy of the last validated epoch (the last epoch, unless validationFreq skipped it).</summary>
    public double? FinalValidationAccuracy
    {
        get
        {
            if (ValidationAccuracy is not { Count: > 0 } a) return null;
            int last = (a.Count / ValidationFreq) * ValidationFreq - 1;
            return last >= 0 ? a[last] : null;
        }
    }

    /// <summary>The highest finite epoch loss and its epoch (0-based); null without one.</summary>
    public (int epoch, double loss)? PeakLoss
    {
        get
        {
            (int epoch, double loss)? peak = null;
            for (int i = 0; i < Losses.Count; i++)
                if (double.IsFinite(Losses[i]) && !(Losses[i] <= peak?.loss)) peak = (i, Losses[i]);
            return peak;
        }
    }

    /// <summary>Whether a run diverged: its final loss is not finite, or above its first batch's loss by more than
    /// <see cref="DoctorThresholds.DivergedLossGrowth"/>. False when the start was not measured. The detectors and the
    /// repair's choice between two runs both ask this.</summary>
    public static bool Diverged(double initialLoss, double finalLoss, DoctorThresholds t) =>
        double.IsFinite(initialLoss) && !(finalLoss <= initialLoss * t.DivergedLossGrowth);

    /// <summary>Relative fall of the epoch loss over the last <paramref name="epochs"/> epochs (or as many as there are).</summary>
    public (double improvement, int window) Improvement(int epochs)
    {
        if (Losses.Count < 2) return (double.NaN, 0);
        int window = Math.Min(epochs, Losses.Count - 1);
        double before = Losses[^(window + 1)];
        return ((before - FinalLoss) / Math.Abs(before), window);
    }

    /// <summary>Epochs whose loss rose by more than <paramref name="relativeSwing"/>, or whose accuracy fell by
    /// <paramref name="accuracyDrop"/> or more, whichever is more; over the epoch-to-epoch changes.</summary>
    public int Swings(double relativeSwing, double accuracyDrop)
    {
        int rises = 0, drops = 0;
        for (int i = 1; i < Losses.Count; i++)
            if (Losses[i] > Losses[i - 1] * (1 + relativeSwing)) rises++;
        if (Accuracy is { Count: > 1 } a)
            for (int i = 1; i < a.Count; i++) if (a[i] <= a[i - 1] - accuracyDrop) drops++;
        return Math.Max(rises, drops);
    }

    /// <summary>Whether the epoch loss fell from one epoch to the next at least once.</summary>
    public bool FellOnce()
    {
        for (int i = 1; i < Losses.Count; i++)
            if (Losses[i] < Losses[i - 1]) return true;
        return false;
    }

    public static LossCurve Of(TrainingRecord r)
    {
        var softTargets = r.Model.Loss is Nabla.Losses.BinaryCrossentropy ? r.BinaryCrossEntropyBounds(r.Model.Targets?.Columns ?? 1) : null;
        return new()
        {
            Losses = r.Losses,
            Accuracy = r.Accuracy,
            ValidationAccuracy = r.ValidationAccuracy,
            ValidationFreq = r.ValidationFreq,
            InitialLoss = r.InitialLoss,
            EarlyLoss = r.EarlyLoss,
            FirstNonFinite = r.FirstNonFinite,
            ConstantPredictorLoss = r.Model.Loss switch
            {
                Nabla.Losses.MeanSquaredError => r.TargetVariance,
                Nabla.Losses.MeanAbsoluteError => r.MedianAbsoluteDeviation(r.Model.Targets?.Columns ?? 1),
                _ => softTargets?.constant ?? double.NaN,
            },
            LossFloor = softTargets?.floor ?? 0,
        };
    }
}
