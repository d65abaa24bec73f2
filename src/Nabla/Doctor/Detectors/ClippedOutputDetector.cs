using System.Globalization;
using Nabla.Losses;
using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A classifier whose predictions are pinned at the cross-entropy's clip. Keras clips probabilities to
/// [ε, 1 − ε] (ε = 1e-7) before the log, and the clip passes back no gradient. When training froze
/// (<see cref="GradientFreeze"/>) and the loss equals the error rate times −ln ε, every wrong prediction gives its class
/// probability ε and every right one 1 − ε: the output is saturated, and no step can move it again. The output layer is
/// otherwise left to the loss (cross-entropy cancels its slope), which is why <see cref="SaturationDetector"/> skips it.</summary>
internal sealed class ClippedOutputDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Freeze is not { } freeze || q.Model.Output is not { } output || q.Model.Outputs.Count > 1) yield break;
        if (q.Model.Loss is not { IsCrossEntropy: true, ExpectsProbabilities: true } loss
            || loss is SmoothedCrossentropy { LabelSmoothing: > 0 }) yield break;
        if (q.Curve.FinalAccuracy is not double accuracy || !double.IsFinite(q.Curve.FinalLoss)) yield break;
        double errorRate = 1 - accuracy;
        // A run at (almost) every sample right is a finished fit, not a stuck one.
        if (errorRate < t.ClippedOutputMinErrorRate) yield break;
        double clippedLoss = -Math.Log(Loss.Epsilon);
        double pinnedLoss = errorRate * clippedLoss;
        if (Math.Abs(q.Curve.FinalLoss - pinnedLoss) > t.ClippedOutputLossTolerance * pinnedLoss) yield break;
        var fixes = new List<string> { FixCodes.LowerLearningRate };
        if (q.UnnormalizedInputs(t)) fixes.Add(FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        var inv = CultureInfo.InvariantCulture;
        yield return new(Make(FindingCodes.SaturatedActivations, Severity.Error,
            string.Create(inv, $"Training stopped in epoch {freeze.Epoch + 1}: from step {freeze.Step} every layer's gradient is exactly zero. ") +
            string.Create(inv, $"The loss {q.Curve.FinalLoss:G4} is the error rate {errorRate:P1} times -ln({Loss.Epsilon:G1}) = {clippedLoss:G4}: ") +
            string.Create(inv, $"each wrong prediction gives its class the clipped probability {Loss.Epsilon:G1} and each right one 1 - {Loss.Epsilon:G1}. ") +
            $"The {output.Activation} output '{output.Name}' is saturated, the cross-entropy's clip passes back no gradient, and no step " +
            "can move the weights again: the first steps were too large.",
            fixes, ("loss", R(q.Curve.FinalLoss)), ("accuracy", R(accuracy)), ("error_rate", R(errorRate)),
            ("clip_epsilon", (double)Loss.Epsilon), ("pinned_loss", R(pinnedLoss)), ("tolerance", t.ClippedOutputLossTolerance),
            ("frozen_from_step", freeze.Step), ("frozen_share", R(freeze.Share)))
            .At(output.Name, output.Index, freeze.Epoch, freeze.Step), Floor: Severity.Error);
    }
}
