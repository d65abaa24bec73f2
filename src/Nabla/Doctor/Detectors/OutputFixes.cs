namespace Nabla.Doctor;

/// <summary>The fixes for an output layer that cannot produce the targets, the likelier first. A cross-entropy loss
/// needs probabilities, so a linear output would be wrong there; a regression loss wants a linear output, unless
/// the targets look like class labels (0, 1, 2...), which cross-entropy on one unit per class fits.</summary>
internal static class OutputFixes
{
    public static string[] For(bool crossEntropy, bool classLabels = false) =>
        crossEntropy ? [FixCodes.UseCrossEntropy]
        : classLabels ? [FixCodes.UseCrossEntropy, FixCodes.UseLinearOutput]
        : [FixCodes.UseLinearOutput, FixCodes.UseCrossEntropy];
}
