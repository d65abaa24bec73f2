using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Hidden sigmoid/tanh layers whose pre-activations mostly sit on the flat tails (DeepDiagnosis's saturation rule).
/// An error when the run did not learn. Such units pass back almost no gradient even in a run that learned, so it stays
/// a warning then (the model learns, worse than it could: the repair measures how much). Saturation that appears only
/// after the loss has already been learned (below <see cref="DoctorThresholds.PlateauLossFraction"/> of its start) is
/// confident fitting, not an obstacle to it: an observation in a run that learned, unless it passes
/// <see cref="DoctorThresholds.SevereSaturatedFraction"/>, where the layer is close to binary.</summary>
internal sealed class SaturationDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        foreach (var layer in q.Layers)
        {
            // A saturated output unit is a confident prediction; the loss's own gradient reaches it (cross-entropy cancels
            // the sigmoid's slope), so only hidden layers are judged.
            if (layer.Index == q.Model.Output?.Index) continue;
            var measured = layer.WithSaturation.ToList();
            if (measured.Count == 0) continue;
            double share = measured.Average(s => s.SaturatedFraction);
            if (share <= t.SaturatedFraction) continue;
            bool unnormalized = q.UnnormalizedInputs(t);
            var fixes = new List<string>();
            if (unnormalized) fixes.Add(FixCodes.NormalizeInputs);
            fixes.AddRange([FixCodes.UseReluHeInit, FixCodes.AddBatchNormalization]);
            var worst = measured.MaxBy(s => s.SaturatedFraction)!;
            var firstSeen = measured.First(s => s.SaturatedFraction > t.SaturatedFraction);
            double lossBefore = LossBefore(q.Curve, firstSeen.Epoch);
            bool afterLearning = lossBefore <= t.PlateauLossFraction * q.Curve.EarlyLoss;
            yield return new(Make(FindingCodes.SaturatedActivations, Severity.Error,
                $"{share:P0} of the {worst.Activation} inputs in '{worst.Layer}' have |z| > {t.SaturationPreActivation}, where the " +
                $"{worst.Activation}'s slope is almost zero: those units pass back almost no gradient" +
                (unnormalized ? ". The large raw inputs push them there." : "."),
                fixes, ("saturated_fraction", R(share)), ("max_saturated_fraction", R(worst.SaturatedFraction)),
                ("threshold", t.SaturatedFraction), ("severe_threshold", t.SevereSaturatedFraction), ("preactivation_threshold", t.SaturationPreActivation),
                ("loss_when_saturated", R(lossBefore)), ("early_loss", R(q.Curve.EarlyLoss)), ("learned_share", t.PlateauLossFraction))
                .At(firstSeen.Layer, firstSeen.LayerIndex, firstSeen.Epoch, firstSeen.Step),
                Floor: afterLearning && share <= t.SevereSaturatedFraction ? Severity.Info : Severity.Warning);
        }
    }

    /// <summary>The epoch loss before <paramref name="epoch"/> began (NaN in the first epoch, when nothing is learned yet).</summary>
    private static double LossBefore(LossCurve curve, int epoch) =>
        epoch >= 1 && epoch - 1 < curve.Losses.Count ? curve.Losses[epoch - 1] : double.NaN;
}
