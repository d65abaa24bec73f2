namespace Nabla.Doctor;

/// <summary>The fixes for an output layer that cannot produce the targets, the likelier first. A cross-entropy loss
/// needs probabilities, so a linear output would be wrong there; a regression loss wants a linear output, unless
/// the targets look like class labels (0, 1, 2...), which cross-entropy on one unit per class fits. Continuous
/// targets outside [0, 1] are a regression's: no cross-entropy can read them.</summary>
internal static class OutputFixes
{
    public static string[] For(bool crossEntropy, bool classLabels = false, bool probabilityTargets = true) =>
        crossEntropy ? [FixCodes.UseCrossEntropy]
        : classLabels ? [FixCodes.UseCrossEntropy, FixCodes.UseLinearOutput]
        : probabilityTargets ? [FixCodes.UseLinearOutput, FixCodes.UseCrossEntropy]
        : [FixCodes.UseLinearOutput];
}
