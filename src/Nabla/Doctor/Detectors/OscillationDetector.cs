using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>AUTOTRAINER's unstable training: swings in at least eta of the epochs, a swing being an accuracy drop of
/// zeta or more, or a loss rise beyond <see cref="DoctorThresholds.OscillationRelativeSwing"/>. Not when even the layer
/// that moves most steps below DeepDiagnosis's lower band: weights that barely move cannot bounce across a valley, and
/// the swings are the noise of dropout and batch order. Not when the loss stayed at the uniform guess throughout.</summary>
internal sealed class OscillationDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        var curve = q.Curve;
        if (curve.Losses.Count < t.OscillationMinEpochs || curve.FirstNonFinite is not null) yield break;
        if (q.FastestUpdateRatio < t.MinUpdateRatio) yield break;
        // A classifier whose loss never left the uniform guess predicts almost the same probabilities everywhere: its
        // accuracy flips with which side of the threshold they fall, which is noise, not a bounce across a valley.
        double uniform = q.Model.UniformGuessLoss;
        if (double.IsFinite(uniform) && curve.Losses.All(l => Math.Abs(l - uniform) <= uniform * t.UniformGuessLossMargin)) yield break;
        int swings = curve.Swings(t.OscillationRelativeSwing, t.OscillationAccuracyDrop);
        int changes = curve.Losses.Count - 1;
        double share = swings / (double)changes;
        if (share < t.OscillationEpochFraction) yield break;
        var fixes = new List<string> { FixCodes.LowerLearningRate, FixCodes.UseLrSchedule, FixCodes.ChangeBatchSize };
        if (!q.Model.AdaptiveOptimizer) fixes.Add(FixCodes.UseAdam);
        yield return new(Make(FindingCodes.OscillatingLoss, Severity.Error,
            $"The loss goes back up in {swings} of {changes} epochs: the optimizer bounces across the valley instead of descending it.",
            fixes, ("swing_epochs", swings), ("epochs", changes), ("share", R(share)), ("threshold", t.OscillationEpochFraction),
            ("accuracy_drop", t.OscillationAccuracyDrop), ("loss_rise", t.OscillationRelativeSwing)).At(null, null, 1));
    }
}
