using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Targets the output layer cannot produce: values outside a sigmoid/softmax's [0, 1], or integer class
/// labels fitted by one linear unit and scored by accuracy (a regression of the class index).</summary>
internal sealed class TargetMismatchDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Model.Output is not { } output || q.Model.Targets is not { } targets || q.Model.Loss is not { } loss) yield break;
        if (output.Activation is "softmax" or "sigmoid" && !loss.ExpectsIntegerLabels && (targets.Min < 0 || targets.Max > 1))
            yield return Detection.Blocking(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"The targets range over [{targets.Min:G4}, {targets.Max:G4}] but the {output.Activation} output can only produce values in [0, 1]: " +
                "the loss can never reach its minimum. One-hot encode class labels (Preprocessing.ToCategorical) or use a linear output.",
                OutputFixes.For(crossEntropy: false, targets.ClassLabels), ("target_min", targets.Min), ("target_max", targets.Max),
                ("output_activation", output.Activation)).At(output.Name, output.Index));
        else if (output.Units == 1 && output.Activation == "linear" && !loss.IsCrossEntropy && q.Model.HasAccuracyMetric
                 && targets.LabelClasses > 2)
            yield return Detection.Blocking(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"The targets are class labels 0..{targets.LabelClasses - 1}, scored by accuracy, but one linear unit under '{loss.Name}' " +
                "regresses the class number: it predicts values between classes, and neighbouring labels are treated as similar. " +
                "Use one output unit per class with softmax and sparse_categorical_crossentropy.",
                [FixCodes.UseCrossEntropy], ("classes", targets.LabelClasses), ("units", 1), ("output_activation", "linear"), ("loss", loss.Name))
                .At(output.Name, output.Index));
    }
}
