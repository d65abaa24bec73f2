using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>ReLU layers that stopped passing gradient: DeepDiagnosis's dead nodes (units at 0 for the whole batch),
/// or AUTOTRAINER's dying-ReLU ratio (zero gradient entries) on a layer whose inputs are activations, not data
/// (raw data such as pixels has inputs that are 0 everywhere, which zero the first kernel's gradient rows).</summary>
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
            double zeroGradients = i > 0 ? LayerSeries.Median(measured.Select(s => s.ZeroGradientFraction)) : double.NaN;
            bool deadUnits = latest.DeadFraction >= t.DeadReluFraction;
            if (!deadUnits && !(zeroGradients >= t.ZeroGradientFraction)) continue;
            var fixes = new List<string>();
            if (q.Model.LearningRate > t.MaxLearningRate || measured.Any(s => s.UpdateRatio > t.MaxUpdateRatio)) fixes.Add(FixCodes.LowerLearningRate);
            // Dead from the first sampled step: the start put them there (a bias of -10, a zero kernel), so the start is
            // fixed first; units that died during training are kept alive by a leaky slope.
            fixes.AddRange(measured[0].DeadFraction >= t.DeadReluFraction
                ? [FixCodes.FixInitialization, FixCodes.UseLeakyRelu, FixCodes.AddBatchNormalization]
                : [FixCodes.UseLeakyRelu, FixCodes.FixInitialization, FixCodes.AddBatchNormalization]);
            var firstSeen = measured.FirstOrDefault(s => s.DeadFraction >= t.DeadReluFraction) ?? measured[0];
            yield return new(Make(FindingCodes.DeadRelu, Severity.Error,
                (deadUnits
                    ? $"{latest.DeadFraction:P0} of the ReLU units in '{layer.Name}' output 0 for every sample of the batch"
                    : $"{zeroGradients:P0} of the kernel gradient entries of ReLU layer '{layer.Name}' are exactly 0") +
                ": a dead ReLU has zero gradient, so it never recovers. Large updates or a strongly negative bias push units there.",
                fixes, ("dead_fraction", R(latest.DeadFraction)), ("threshold", t.DeadReluFraction),
                ("zero_gradient_fraction", R(zeroGradients)), ("zero_gradient_threshold", t.ZeroGradientFraction))
                .At(firstSeen.Layer, firstSeen.LayerIndex, firstSeen.Epoch, firstSeen.Step));
        }
    }
}
