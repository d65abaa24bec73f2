using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>AUTOTRAINER's unstable training (<see cref="Quantities.Oscillation"/>): swings in at least eta of the epochs.</summary>
internal sealed class OscillationDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Oscillation(t) is not var (swings, changes)) yield break;
        double share = swings / (double)changes;
        var fixes = new List<string> { FixCodes.LowerLearningRate, FixCodes.UseLrSchedule, FixCodes.ChangeBatchSize };
        if (!q.Model.AdaptiveOptimizer) fixes.Add(FixCodes.UseAdam);
        yield return new(Make(FindingCodes.OscillatingLoss, Severity.Error,
            $"The loss goes back up in {swings} of {changes} epochs: the optimizer bounces across the valley instead of descending it.",
            fixes, ("swing_epochs", swings), ("epochs", changes), ("share", R(share)), ("threshold", t.OscillationEpochFraction),
            ("accuracy_drop", t.OscillationAccuracyDrop), ("loss_rise", t.OscillationRelativeSwing)).At(null, null, 1));
    }
}
