using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Gradients that grew without bound before a NaN loss; without a NaN, AUTOTRAINER's exploding loss; and in
/// either case its first/last gradient-norm ratio.</summary>
internal sealed class ExplodingGradientsDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        var fixes = new List<string> { FixCodes.ClipGradients, FixCodes.LowerLearningRate };
        if (q.UnnormalizedInputs(t)) fixes.Insert(0, FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        var curve = q.Curve;
        // Outputs that overflowed in the forward pass of the first step make every gradient NaN without any growth:
        // that is nan_loss's finding, which names the layer.
        if (q.Overflow is not null) yield break;
        if (curve.FirstNonFinite is not null)
        {
            if (BlowUp(q, t, fixes) is { } blowUp)
            {
                yield return blowUp;
                yield break;
            }
            // A step whose loss is not finite is not run backward, so a loss that overflows within a step or two
            // leaves too few gradient samples to see them grow. A loss that started above AUTOTRAINER's exploding
            // threshold and then overflowed to +Inf (not NaN) is the same blow-up, one step later.
            if (curve.FirstNonFinite is { } overflow && double.IsPositiveInfinity(overflow.loss) && curve.InitialLoss >= t.ExplodingLoss)
            {
                yield return Detection.Blocking(Make(FindingCodes.ExplodingGradients, Severity.Error,
                    $"The loss started at {curve.InitialLoss:G3}, above {t.ExplodingLoss:G3}, and overflowed at epoch {overflow.epoch}, step {overflow.step}: the updates overshoot and feed on themselves.",
                    fixes, ("initial_loss", R(curve.InitialLoss)), ("threshold", t.ExplodingLoss))
                    .At(null, null, overflow.epoch, overflow.step));
                yield break;
            }
        }
        // An epoch's loss, not only the last: weights blown up in the first steps can leave a loss that the output layer
        // slowly pulls back under the threshold while the layers before it stay wrecked (dead, or out of range).
        else if (curve.PeakLoss is { } top && top.loss >= t.ExplodingLoss && top.loss > curve.InitialLoss)
        {
            var (epoch, peak) = top;
            string end = epoch == curve.Losses.Count - 1 ? "" : $", and ended at {curve.FinalLoss:G3}";
            yield return Detection.Blocking(Make(FindingCodes.ExplodingGradients, Severity.Error,
                $"The loss grew to {peak:G3} in epoch {epoch + 1} (it started at {curve.InitialLoss:G3}{end}): the updates overshoot and feed on themselves.",
                fixes, ("loss", R(peak)), ("epoch", epoch + 1), ("final_loss", R(curve.FinalLoss)), ("initial_loss", R(curve.InitialLoss)),
                ("threshold", t.ExplodingLoss))
                .At(null, null, epoch));
            yield break;
        }
        if (q.Layers.Count < 2 || q.ReferenceLayer is not { } last || ReferenceEquals(last, q.Layers[0])) yield break;
        var first = q.Layers[0];
        double ratio = first.MedianGradientNorm / last.MedianGradientNorm;
        if (ratio > t.ExplodingGradientRatio)
            yield return new(Make(FindingCodes.ExplodingGradients, Severity.Error,
                $"The first layer '{first.Name}' receives {ratio:G3} times the gradient of the last layer '{last.Name}': gradients grow on the way back.",
                fixes, ("ratio", R(ratio)), ("threshold", t.ExplodingGradientRatio)).At(first.Name, first.Index, first.First.Epoch, first.First.Step));
    }

    /// <summary>Before a NaN loss: the first layer whose sampled gradient norm overflowed or grew by orders of magnitude.</summary>
    private static Detection? BlowUp(Quantities q, DoctorThresholds t, List<string> fixes)
    {
        foreach (var layer in q.Layers)
        {
            var finite = layer.Samples.Where(s => double.IsFinite(s.KernelGradNorm) && s.KernelGradNorm > 0).ToList();
            double firstNorm = finite.Count > 0 ? finite[0].KernelGradNorm : double.NaN;
            double peak = finite.Count > 0 ? finite.Max(s => s.KernelGradNorm) : double.NaN;
            var overflowed = layer.Samples.FirstOrDefault(s => s.NonFinite);
            if (overflowed is null && !(peak > t.ExplodingGradientGrowth * firstNorm)) continue;
            var seen = overflowed ?? finite.First(s => s.KernelGradNorm == peak);
            return Detection.Blocking(Make(FindingCodes.ExplodingGradients, Severity.Error,
                $"The gradient of '{seen.Layer}' grew without bound (from {firstNorm:G3} to {peak:G3}" +
                (overflowed is null ? ")" : ", then past what a float can hold)") + " before the loss turned NaN.",
                fixes, ("first_gradient_norm", R(firstNorm)), ("peak_gradient_norm", R(peak)), ("overflowed", overflowed is not null),
                ("growth_threshold", t.ExplodingGradientGrowth)).At(seen.Layer, seen.LayerIndex, seen.Epoch, seen.Step));
        }
        return null;
    }
}
