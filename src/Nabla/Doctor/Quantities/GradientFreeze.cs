namespace Nabla.Doctor;

/// <summary>
/// Training that stopped: from some sampled step to the end of the run, every watched layer's gradient (kernel and bias)
/// is exactly zero, after at least one sampled step where some layer's was not. Nothing moves from there on, whatever
/// the learning rate, and the epoch loss confirms it: it repeats to <see cref="SameLoss"/> in every epoch after the one
/// where it froze (a sampled batch whose predictions all sit at the loss's clip has a zero gradient too, while other batches
/// still move the weights). Null when the run never froze, froze for less than half of its sampled steps (a late stall is
/// still a run that trained), or had no gradient to begin with (missing_gradients' finding).
/// </summary>
internal sealed record GradientFreeze(int Epoch, long Step, int FrozenSteps, int SampledSteps)
{
    /// <summary>The share of sampled steps from the freeze to the end.</summary>
    public double Share => FrozenSteps / (double)SampledSteps;

    /// <summary>Relative difference below which two epoch losses are the same: float32 sums in a changed order.</summary>
    public const double SameLoss = 1e-6;

    public static GradientFreeze? Of(IReadOnlyList<LayerSeries> layers, IReadOnlyList<double> epochLosses)
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
        if (!LossRepeats(epochLosses, from: epoch + 1)) return null;
        return new GradientFreeze(epoch, steps[firstFrozen].step, frozen, steps.Count);
    }

    /// <summary>The samples taken before the freeze: only they say how large the steps were.</summary>
    public static IEnumerable<LayerSample> Before(GradientFreeze? freeze, IEnumerable<LayerSample> samples) =>
        freeze is null ? samples : samples.Where(s => s.Step < freeze.Step);

    private static bool LossRepeats(IReadOnlyList<double> losses, int from)
    {
        if (from >= losses.Count) return true;
        double first = losses[from];
        for (int e = from + 1; e < losses.Count; e++)
            if (!(Math.Abs(losses[e] - first) <= SameLoss * Math.Abs(first))) return false;
        return double.IsFinite(first);
    }

    private static bool IsZero(LayerSample s) => s.GradientAllZero && !(s.BiasGradNorm > 0);
}
