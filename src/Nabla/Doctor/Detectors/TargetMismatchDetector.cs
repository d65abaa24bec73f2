using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Targets the output layer cannot produce: values outside a sigmoid/softmax's [0, 1], or integer class
/// labels fitted by one linear unit and scored by accuracy (a regression of the class index); and continuous targets
/// of a one-unit output scored by accuracy: Keras then picks binary accuracy (keras/src/trainers/compile_utils.py), which
/// compares each target with the prediction thresholded at 0.5 and so reads near 0% however well the regression fits.</summary>
internal sealed class TargetMismatchDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Model.Output is not { } output || q.Model.Targets is not { } targets || q.Model.Loss is not { } loss) yield break;
        if (output.Probabilities && !loss.ExpectsIntegerLabels && (targets.Min < 0 || targets.Max > 1))
            yield return Detection.Blocking(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"The targets range over [{targets.Min:G4}, {targets.Max:G4}] but the {output.Activation} output can only produce values in [0, 1]: " +
                "the loss can never reach its minimum. One-hot encode class labels (Preprocessing.ToCategorical) or use a linear output.",
                OutputFixes.For(crossEntropy: false, targets.ClassLabels, probabilityTargets: false), ("target_min", targets.Min), ("target_max", targets.Max),
                ("output_activation", output.Activation)).At(output.Name, output.Index));
        else if (output.Units == 1 && output.Activation == "linear" && !loss.IsCrossEntropy && q.Model.HasAccuracyMetric
                 && targets.LabelClasses > 2)
            yield return Detection.Blocking(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"The targets are class labels 0..{targets.LabelClasses - 1}, scored by accuracy, but one linear unit under '{loss.Name}' " +
                "regresses the class number: it predicts values between classes, and neighbouring labels are treated as similar. " +
                "Use one output unit per class with softmax and sparse_categorical_crossentropy.",
                [FixCodes.UseCrossEntropy], ("classes", targets.LabelClasses), ("units", 1), ("output_activation", "linear"), ("loss", loss.Name))
                .At(output.Name, output.Index));
        else if (output.Units == 1 && !loss.IsCrossEntropy && q.Model.HasAccuracyMetric && !targets.ClassLabels)
            yield return new(Make(FindingCodes.LossOutputMismatch, Severity.Warning,
                $"The targets are continuous (from {targets.Min:G4} to {targets.Max:G4}, not class labels) but the one-unit output is scored by accuracy, " +
                "which for one unit is binary accuracy: it counts targets equal to the prediction thresholded at 0.5 (0 or 1), so it reads near 0% however well the model fits" +
                (q.Curve.Accuracy is { Count: > 0 } a ? $" (here {a[^1]:P1} while the loss went from {q.Curve.EarlyLoss:G4} to {q.Curve.FinalLoss:G4})." : ".") +
                " Judge a regression by its loss or by mean absolute error.",
                [FixCodes.UseRegressionMetric], ("target_min", targets.Min), ("target_max", targets.Max), ("loss", loss.Name),
                ("final_accuracy", q.Curve.FinalAccuracy ?? double.NaN), ("final_loss", R(q.Curve.FinalLoss)))
                .At(output.Name, output.Index), Floor: Severity.Warning);
    }
}
