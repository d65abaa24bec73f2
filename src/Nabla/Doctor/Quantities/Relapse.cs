namespace Nabla.Doctor;

/// <summary>
/// The training loss gave back what it had learned and stayed there: over the last <see cref="Epochs"/> epochs its mean
/// is at least <see cref="DoctorThresholds.RelapseLossGrowth"/> times the lowest epoch loss before them, and the rise
/// is at least <see cref="DoctorThresholds.RelapseProgressShare"/> of the way the loss had come down from the first
/// batch. Minibatch noise moves an epoch's mean loss by a few percent and fitting the training set only lowers it, so a
/// loss that doubles and stays up for a whole strip of epochs was thrown out of the basin it had found; the second
/// condition keeps the last decimals of a loss already near zero from counting. Losses are compared above the loss's
/// floor (<see cref="LossCurve.LossFloor"/>); null for a loss that went non-finite or below its floor, for a start that
/// was not measured, and for runs shorter than the strip and two epochs before it. Only the epochs up to the one whose
/// weights the model holds count: after EarlyStopping restored its best weights, a later climb is not in the model.
/// </summary>
internal sealed record Relapse(int BestEpoch, double BestLoss, double RecentLoss, int Epochs)
{
    /// <param name="heldEpoch">The epoch whose weights the model holds when not the last (EarlyStopping restored them):
    /// what came after it does not count.</param>
    public static Relapse? Of(LossCurve curve, DoctorThresholds t, int? heldEpoch = null)
    {
        int k = t.RelapseEpochs;
        int count = heldEpoch is int held ? Math.Min(curve.Losses.Count, held + 1) : curve.Losses.Count;
        var losses = curve.Losses.Take(count).ToList();
        double floor = curve.LossFloor, start = curve.InitialLoss;
        if (k < 1 || count < k + 2 || curve.FirstNonFinite is not null || !double.IsFinite(start)) return null;
        if (losses.Any(l => !double.IsFinite(l) || l < floor)) return null;
        int best = 0;
        for (int epoch = 1; epoch < count - k; epoch++)
            if (losses[epoch] < losses[best]) best = epoch;
        double recent = losses.Skip(count - k).Average();
        double bestAbove = losses[best] - floor, rise = recent - losses[best];
        if (!(bestAbove > 0) || !(recent - floor >= t.RelapseLossGrowth * bestAbove)) return null;
        if (!(rise >= t.RelapseProgressShare * (start - losses[best]))) return null;
        return new Relapse(best, losses[best], recent, k);
    }
}
