using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A loss that became NaN or infinite (AUTOTRAINER's nan_loss), or an update that would have made the weights so.</summary>
internal sealed class NonFiniteLossDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Curve.FirstNonFinite is not (int epoch, long step, double loss)) yield break;
        var fixes = new List<string> { FixCodes.LowerLearningRate, FixCodes.ClipGradients };
        if (q.UnnormalizedInputs(t)) fixes.Insert(0, FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        yield return Detection.Blocking(Make(FindingCodes.NanLoss, Severity.Error,
            (double.IsFinite(loss)
                ? $"At epoch {epoch + 1}, step {step} the update would have made weights or optimizer moments NaN or infinite (loss {loss}): a value overflowed."
                : $"The loss became {loss} at epoch {epoch + 1}, step {step}: a value overflowed.") +
            " That step was not applied: the weights are those of the last good step.",
            fixes, ("loss", loss.ToString()), ("step", step)).At(null, null, epoch, step));
    }
}
