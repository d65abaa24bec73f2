using System.Globalization;
using Nabla.Losses;
using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A classifier whose predictions are pinned at the cross-entropy's clip (<see cref="PinnedOutput"/>) with every
/// gradient exactly zero: either training froze there after steps that had a gradient (<see cref="GradientFreeze"/>:
/// the first steps were too large), or the output sat there from the first step (the initial weights or the raw inputs
/// put it there). The output is saturated, and no gradient can take the weights out of it. The output layer is
/// otherwise left to the loss (cross-entropy cancels its slope), which is why <see cref="SaturationDetector"/> skips it.</summary>
internal sealed class ClippedOutputDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Pinned is not { } pinned) yield break;
        bool fromStart = q.Freeze is null && q.Layers.Count > 0 && q.Layers.All(l => l.AllGradientsZero);
        if (q.Freeze is null && !fromStart)
        {
            if (q.MistakesPinnedBySteps(t)) yield return WrongAtTheClip(q, pinned);
            yield break;
        }
        var inv = CultureInfo.InvariantCulture;
        var output = pinned.Output;
        bool unnormalized = q.UnnormalizedInputs(t);
        var fixes = new List<string> { fromStart ? FixCodes.FixInitialization : FixCodes.LowerLearningRate };
        if (unnormalized) fixes.Add(FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        var (epoch, step, when, why) = q.Freeze is { } freeze
            ? (freeze.Epoch, freeze.Step,
               string.Create(inv, $"Training stopped in epoch {freeze.Epoch + 1}: from step {freeze.Step} every layer's gradient is exactly zero. "),
               "the first steps were too large.")
            : (0, 0L, "Every layer's gradient is exactly zero from the first step on. ",
               unnormalized ? "the raw inputs and the initial weights put it there before any step." : "the initial weights put it there before any step.");
        yield return new(Make(FindingCodes.SaturatedActivations, Severity.Error,
            when +
            string.Create(inv, $"The loss {pinned.Loss:G4} is the error rate {pinned.ErrorRate:P1} times -ln({Loss.Epsilon:G1}) = {PinnedOutput.ClippedLoss:G4}: ") +
            string.Create(inv, $"each wrong prediction gives its class the clipped probability {Loss.Epsilon:G1} and each right one 1 - {Loss.Epsilon:G1}. ") +
            $"The {output.Activation} output '{output.Name}' is saturated, the cross-entropy's clip passes back no gradient, and no gradient " +
            "can take the weights out of it: " + why,
            fixes, ("loss", R(pinned.Loss)), ("accuracy", R(pinned.Accuracy)), ("error_rate", R(pinned.ErrorRate)),
            ("clip_epsilon", (double)Loss.Epsilon), ("pinned_loss", R(pinned.PinnedLoss)), ("tolerance", t.ClippedOutputLossTolerance),
            ("frozen_from_step", step), ("frozen_share", R(q.Freeze?.Share ?? 1.0)))
            .At(output.Name, output.Index, epoch, step), Floor: Severity.Error);
    }

    /// <summary>Pinned while gradients still flow: the right predictions keep learning, but every wrong one sits at the clip,
    /// where it passes back nothing, so training can no longer correct it. Steps large enough to drive predictions to
    /// certainty put them there; the run learned what the right ones taught it, so this costs what it did not.</summary>
    private static Detection WrongAtTheClip(Quantities q, PinnedOutput pinned)
    {
        var inv = CultureInfo.InvariantCulture;
        var output = pinned.Output;
        string perRow = q.Model.LossRowsSummed > 1 ? $" per row (the loss sums the {q.Model.LossRowsSummed} rows of each batch)" : "";
        return new(Make(FindingCodes.SaturatedActivations, Severity.Error,
            string.Create(inv, $"The loss{perRow}, {pinned.Loss:G4}, is the error rate {pinned.ErrorRate:P1} times -ln({Loss.Epsilon:G1}) = {PinnedOutput.ClippedLoss:G4}: ") +
            string.Create(inv, $"every wrong prediction gives its class the clipped probability {Loss.Epsilon:G1}. ") +
            $"The {output.Activation} output '{output.Name}' is certain of each of its mistakes, and the clip passes back no gradient for them, " +
            "so training can no longer correct them: steps large enough to drive predictions to certainty put them there.",
            [FixCodes.LowerLearningRate, FixCodes.AddBatchNormalization],
            ("loss_per_row", R(pinned.Loss)), ("accuracy", R(pinned.Accuracy)), ("error_rate", R(pinned.ErrorRate)),
            ("clip_epsilon", (double)Loss.Epsilon), ("pinned_loss", R(pinned.PinnedLoss)), ("loss_rows_summed", q.Model.LossRowsSummed))
            .At(output.Name, output.Index), Floor: Severity.Warning);
    }
}
