using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Inputs, as the first weighted layer sees them (after the model's own normalization), far outside [-1, 1].</summary>
internal sealed class UnnormalizedInputsDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Model.Inputs is not { } inputs || inputs.P99 <= t.UnnormalizedInputMagnitude) yield break;
        yield return new(Make(FindingCodes.UnnormalizedInputs, Severity.Error,
            $"The inputs are not normalized: 99% of |x| lie below {inputs.P99:G4} and the largest is {inputs.Max:G4}. " +
            "Large inputs make the first layer's pre-activations large: sigmoid/tanh units saturate and gradients vanish, or steps overshoot.",
            [FixCodes.NormalizeInputs], ("p99_abs_input", R(inputs.P99)), ("max_abs_input", R(inputs.Max)),
            ("threshold", t.UnnormalizedInputMagnitude)).At(null, null));
    }
}
