using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A loss that became NaN or infinite (AUTOTRAINER's nan_loss), or an update that would have made the weights so.</summary>
internal sealed class NonFiniteLossDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Curve.FirstNonFinite is not (int epoch, long step, double loss)) yield break;
        // A loss that overflows on the first batch overflows in the forward pass at the initial weights, and so does a
        // finite loss behind a hidden layer whose output overflowed (a sigmoid output clamps it): no update has happened
        // yet, so a smaller or clipped step cannot help; what the forward pass computes has to change.
        var overflow = q.Overflow;
        bool atStart = overflow is not null || (step == 0 && !double.IsFinite(loss));
        var fixes = overflow is not null ? [.. overflow.Fixes]
            : atStart ? new List<string> { FixCodes.AddBatchNormalization, FixCodes.FixInitialization }
            : [FixCodes.LowerLearningRate, FixCodes.ClipGradients, FixCodes.AddBatchNormalization];
        if (q.UnnormalizedInputs(t)) fixes.Insert(0, FixCodes.NormalizeInputs);
        string where = overflow is null ? "" : $" {overflow.Describe()}.";
        yield return Detection.Blocking(Make(FindingCodes.NanLoss, Severity.Error,
            (atStart && double.IsFinite(loss)
                ? $"The forward pass overflows at the initial weights, before any update (the first loss, {loss}, is finite only because a later layer clamps it)."
                : double.IsFinite(loss)
                ? $"At epoch {epoch + 1}, step {step} the update would have made weights or optimizer moments NaN or infinite (loss {loss}): a value overflowed."
                : atStart
                ? $"The loss is {loss} on the very first batch, before any update: the forward pass overflows at the initial weights."
                : $"The loss became {loss} at epoch {epoch + 1}, step {step}: a value overflowed.") + where +
            (atStart ? "" : " That step was not applied: the weights are those of the last good step."),
            fixes, Evidence(loss, step, overflow)).At(overflow?.At.Layer, overflow?.At.LayerIndex, epoch, step));
    }

    private static (string, object)[] Evidence(double loss, long step, ForwardOverflow? overflow) =>
        overflow is null
            ? [("loss", loss.ToString()), ("step", step)]
            : [("loss", loss.ToString()), ("step", step), ("overflowing_layer", overflow.At.Layer),
               ("exponential_layers", string.Join(" ", overflow.Explosive))];
}
