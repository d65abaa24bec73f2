using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A loss that became NaN or infinite (AUTOTRAINER's nan_loss).</summary>
internal sealed class NonFiniteLossDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Curve.FirstNonFinite is not (int epoch, long step, double loss)) yield break;
        var fixes = new List<string> { FixCodes.LowerLearningRate, FixCodes.ClipGradients };
        if (q.UnnormalizedInputs(t)) fixes.Insert(0, FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        yield return Detection.Blocking(Make(FindingCodes.NanLoss, Severity.Error,
            $"The loss became {loss} at epoch {epoch + 1}, step {step}: a value overflowed. That step was not applied: the weights are those of the last step with a finite loss.",
            fixes, ("loss", loss.ToString()), ("step", step)).At(null, null, epoch, step));
    }
}
