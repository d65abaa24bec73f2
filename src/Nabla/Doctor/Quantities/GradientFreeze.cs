namespace Nabla.Doctor;

/// <summary>
/// Training that stopped: from some sampled step to the end of the run, every watched layer's gradient (kernel and bias)
/// is exactly zero, after at least one sampled step where some layer's was not. No gradient step moves the weights from
/// there on, whatever the learning rate. The epoch loss must confirm it: in the epochs after the one where it froze it
/// stays within <see cref="DoctorThresholds.FrozenLossSpread"/> of its lowest value. (A sampled batch whose predictions all
/// sit at the loss's clip has a zero gradient too while other batches still move the weights, and then the loss keeps
/// changing; momentum left from earlier steps only drifts the weights, and the loss with them, a little.) Null when the run
/// never froze, froze for less than half of its sampled steps (a late stall is still a run that trained), or had no
/// gradient to begin with (missing_gradients' finding, or an output pinned from the start).
/// </summary>
internal sealed record GradientFreeze(int Epoch, long Step, int FrozenSteps, int SampledSteps)
{
    /// <summary>The share of sampled steps from the freeze to the end.</summary>
    public double Share => FrozenSteps / (double)SampledSteps;

    public static GradientFreeze? Of(IReadOnlyList<LayerSeries> layers, IReadOnlyList<double> epochLosses, double lossSpread)
    {
        if (layers.Count == 0) return null;
        // Steps in order, each frozen when every layer sampled there got a zero gradient.
        var steps = layers.SelectMany(l => l.Samples).GroupBy(s => s.Step).OrderBy(g => g.Key)
            .Select(g => (step: g.Key, epoch: g.First().Epoch, frozen: g.All(IsZero))).ToList();
        int firstFrozen = steps.Count;
        while (firstFrozen > 0 && steps[firstFrozen - 1].frozen) firstFrozen--;
        int frozen = steps.Count - firstFrozen;
        if (firstFrozen == 0 || frozen < 2 || 2 * frozen < steps.Count) return null;
        int epoch = steps[firstFrozen].epoch;
        if (!LossHolds(epochLosses, from: epoch + 1, lossSpread)) return null;
        return new GradientFreeze(epoch, steps[firstFrozen].step, frozen, steps.Count);
    }

    private static bool LossHolds(IReadOnlyList<double> losses, int from, double spread)
    {
        if (from >= losses.Count) return true;
        var after = losses.Skip(from).ToList();
        double low = after.Min(), high = after.Max();
        return double.IsFinite(high) && low > 0 && high / low - 1 <= spread;
    }

    private static bool IsZero(LayerSample s) => s.GradientAllZero && !(s.BiasGradNorm > 0);
}
