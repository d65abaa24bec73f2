using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>ReLU layers that stopped passing gradient: DeepDiagnosis's dead nodes (units at 0 for the whole batch),
/// or AUTOTRAINER's dying-ReLU ratio (zero gradient entries) on a layer whose inputs are activations, not data
/// (raw data such as pixels has inputs that are 0 everywhere, which zero the first kernel's gradient rows).
/// Measured at the end, or over the epochs a classifier spent below the learning gate (<see cref="StalledEpochs"/>):
/// units dead while a model stalled cost it those epochs, whether they revived later or not: a warning when it learned
/// in the end.</summary>
internal sealed class DeadReluDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        for (int i = 0; i < q.Layers.Count; i++)
        {
            var layer = q.Layers[i];
            var measured = layer.WithDeadUnits.ToList();
            if (measured.Count == 0) continue;
            var latest = measured[^1];
            bool gradientsCount = i > 0;
            double zeroGradients = gradientsCount ? LayerSeries.Median(measured.Select(s => s.ZeroGradientFraction)) : double.NaN;
            bool deadAtEnd = latest.DeadFraction >= t.DeadReluFraction || zeroGradients >= t.ZeroGradientFraction;
            var stall = StallOf(q.Stalled, measured, gradientsCount, t);
            if (!deadAtEnd && stall is null) continue;
            var fixes = new List<string>();
            if (q.Model.LearningRate > t.MaxLearningRate || measured.Any(s => s.UpdateRatio > t.MaxUpdateRatio)) fixes.Add(FixCodes.LowerLearningRate);
            // Dead from the first sampled step: the start put them there (a bias of -10, a zero kernel), so the start is
            // fixed first; units that died during training are kept alive by a leaky slope.
            fixes.AddRange(measured[0].DeadFraction >= t.DeadReluFraction
                ? [FixCodes.FixInitialization, FixCodes.UseLeakyRelu, FixCodes.AddBatchNormalization]
                : [FixCodes.UseLeakyRelu, FixCodes.FixInitialization, FixCodes.AddBatchNormalization]);
            var firstSeen = measured.FirstOrDefault(s => s.DeadFraction >= t.DeadReluFraction)
                            ?? stall?.Samples[0] ?? measured[0];
            string message = !deadAtEnd ? DuringStall(layer.Name, stall!.Value, latest, q.Stalled!, t)
                : AtEnd(layer.Name, latest.DeadFraction, zeroGradients, t) + (stall is { } held ? StalledToo(held, q.Stalled!, t) : "");
            var evidence = new List<(string, object)>
            {
                ("dead_fraction", R(latest.DeadFraction)), ("threshold", t.DeadReluFraction),
                ("zero_gradient_fraction", R(zeroGradients)), ("zero_gradient_threshold", t.ZeroGradientFraction),
            };
            if (stall is { } s)
            {
                evidence.Add(("stalled_epochs", q.Stalled!.Count));
                evidence.Add(("epochs", q.Stalled.TotalEpochs));
                evidence.Add(("accuracy_gate", R(q.Stalled.Gate)));
                evidence.Add(("stalled_dead_fraction", R(s.DeadFraction)));
                evidence.Add(("stalled_zero_gradient_fraction", R(s.ZeroGradients)));
            }
            var finding = Make(FindingCodes.DeadRelu, Severity.Error, message, fixes, [.. evidence])
                .At(firstSeen.Layer, firstSeen.LayerIndex, firstSeen.Epoch, firstSeen.Step);
            // Units dead while the model stalled cost it those epochs, whether or not they revived later: a measured loss,
            // so at least a warning when the model learned in the end, if the stall was a real share of the run. Units dead
            // only in a run that learned throughout, or through its first short climb, are an observation.
            bool costly = stall is not null && q.Stalled!.Count >= t.StallEpochFraction * q.Stalled.TotalEpochs;
            yield return costly && q.Learned == true ? new(finding, Floor: Severity.Warning) : new(finding);
        }
    }

    private readonly record struct Stall(IReadOnlyList<LayerSample> Samples, double DeadFraction, double ZeroGradients);

    /// <summary>The layer's samples from the stalled epochs, when those epochs are enough and the units were dead in them.</summary>
    private static Stall? StallOf(StalledEpochs? stalled, List<LayerSample> measured, bool gradientsCount, DoctorThresholds t)
    {
        if (stalled is null || stalled.Count < t.DeadReluStallEpochs) return null;
        var samples = measured.Where(s => stalled.Epochs.Contains(s.Epoch)).ToList();
        if (samples.Select(s => s.Epoch).Distinct().Count() < t.DeadReluStallEpochs) return null;
        double dead = LayerSeries.Median(samples.Select(s => s.DeadFraction));
        double zero = gradientsCount ? LayerSeries.Median(samples.Select(s => s.ZeroGradientFraction)) : double.NaN;
        return dead >= t.DeadReluFraction || zero >= t.ZeroGradientFraction ? new Stall(samples, dead, zero) : null;
    }

    private static string AtEnd(string layer, double deadFraction, double zeroGradients, DoctorThresholds t) =>
        (deadFraction >= t.DeadReluFraction
            ? $"{deadFraction:P0} of the ReLU units in '{layer}' output 0 for every sample of the batch"
            : $"{zeroGradients:P0} of the kernel gradient entries of ReLU layer '{layer}' are exactly 0") +
        ": a dead ReLU has zero gradient, so it never recovers. Large updates or a strongly negative bias push units there.";

    private static string StalledToo(Stall stall, StalledEpochs stalled, DoctorThresholds t) =>
        $" Over the {stalled.Count} of {stalled.TotalEpochs} epochs in which the training accuracy stayed below {stalled.Gate:P1}, " +
        (stall.DeadFraction >= t.DeadReluFraction
            ? $"{stall.DeadFraction:P0} of its units were dead"
            : $"{stall.ZeroGradients:P0} of its kernel gradient entries were 0") +
        ": they held the model back there.";

    private static string DuringStall(string layer, Stall stall, LayerSample latest, StalledEpochs stalled, DoctorThresholds t) =>
        (stall.DeadFraction >= t.DeadReluFraction
            ? $"{stall.DeadFraction:P0} of the ReLU units in '{layer}' output 0 for every sample of the batch"
            : $"{stall.ZeroGradients:P0} of the kernel gradient entries of ReLU layer '{layer}' were exactly 0") +
        $" (the median over the {stalled.Count} of {stalled.TotalEpochs} epochs in which the training accuracy stayed below {stalled.Gate:P1}): " +
        $"dead units pass no gradient, so the model stalled until they revived (now {latest.DeadFraction:P0} dead). " +
        "A leaky slope keeps them learning from the start.";
}
