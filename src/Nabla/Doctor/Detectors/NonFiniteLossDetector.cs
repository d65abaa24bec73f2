using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A loss that became NaN or infinite (AUTOTRAINER's nan_loss), or an update that would have made the weights so.</summary>
internal sealed class NonFiniteLossDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Curve.FirstNonFinite is not (int epoch, long step, double loss)) yield break;
        // A loss that overflows on the first batch overflows in the forward pass at the initial weights: no update has
        // happened yet, so a smaller or clipped step cannot help; what the forward pass computes has to change.
        bool atStart = step == 0 && !double.IsFinite(loss);
        var fixes = atStart
            ? new List<string> { FixCodes.AddBatchNormalization, FixCodes.FixInitialization }
            : [FixCodes.LowerLearningRate, FixCodes.ClipGradients, FixCodes.AddBatchNormalization];
        if (q.UnnormalizedInputs(t)) fixes.Insert(0, FixCodes.NormalizeInputs);
        yield return Detection.Blocking(Make(FindingCodes.NanLoss, Severity.Error,
            (double.IsFinite(loss)
                ? $"At epoch {epoch + 1}, step {step} the update would have made weights or optimizer moments NaN or infinite (loss {loss}): a value overflowed."
                : atStart
                ? $"The loss is {loss} on the very first batch, before any update: the forward pass overflows at the initial weights."
                : $"The loss became {loss} at epoch {epoch + 1}, step {step}: a value overflowed.") +
            (atStart ? "" : " That step was not applied: the weights are those of the last good step."),
            fixes, ("loss", loss.ToString()), ("step", step)).At(null, null, epoch, step));
    }
}
