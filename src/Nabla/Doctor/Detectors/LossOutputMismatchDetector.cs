using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>How the loss pairs with the output layer (UMLAUT-style structure checks, before any data).</summary>
internal sealed class LossOutputMismatchDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Model.Output is not { } output || q.Model.Loss is not { } loss) yield break;
        string activation = output.Activation;
        bool probabilities = output.Probabilities;
        if (activation == "softmax" && output.Units == 1)
            yield return Detection.Blocking(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                "The output layer is a softmax over a single unit: softmax normalizes across units, so the output is always exactly 1 " +
                "and every gradient through it is exactly 0. Use sigmoid for one output, one unit per class with softmax, or a linear output for regression.",
                OutputFixes.For(loss.IsCrossEntropy), ("units", 1), ("activation", "softmax")).At(output.Name, output.Index));
        else if (q.Model.OutputOutsideLossRange)
            yield return Detection.Blocking(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"The loss '{loss.Name}' expects probabilities, but the output layer's activation is '{activation}', so its outputs " +
                "can be negative or above 1; the loss clips them and the gradient is cut. Use softmax/sigmoid on the output, or fromLogits: true.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation)).At(output.Name, output.Index));
        else if (loss.ClassName is "CategoricalCrossentropy" or "SparseCategoricalCrossentropy" or "CategoricalFocalCrossentropy" && probabilities && activation != "softmax" && output.Units > 1)
            yield return new(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"'{loss.Name}' treats the outputs as one distribution over {output.Units} classes, but {activation} outputs are {output.Units} " +
                "independent probabilities that need not sum to 1: the loss rescales them and their gradients no longer push the wrong classes down. " +
                "Use softmax for one class per sample, or binary_crossentropy for several labels per sample.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation), ("units", output.Units)).At(output.Name, output.Index),
                // A wrong pairing, not a symptom: it stays a warning in a run that learns anyway (its outputs are still not a distribution).
                Floor: Severity.Warning);
        else if (loss.IsCrossEntropy && !loss.ExpectsProbabilities && activation == loss.LogitsActivation)
            // The loss reads the logits behind that activation (Keras's TensorFlow backend does too, with a warning): training
            // is unaffected, so this is an observation about what the model means on Keras's other backends.
            yield return new(Make(FindingCodes.LossOutputMismatch, Severity.Info,
                $"The loss '{loss.Name}' is set to read logits, but the output already went through '{activation}': Nabla reads the logits " +
                $"behind the {activation} instead, as Keras's TensorFlow backend does, so training is unaffected here; Keras's JAX and " +
                $"PyTorch backends would apply the {activation} twice. Remove the output activation or set fromLogits: false.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation)).At(output.Name, output.Index));
        else if (loss.IsCrossEntropy && !loss.ExpectsProbabilities && probabilities)
            yield return new(Make(FindingCodes.LossOutputMismatch, Severity.Warning,
                $"The loss '{loss.Name}' is computed from logits, but the output already went through '{activation}': it is squashed twice, " +
                "which flattens the gradient. Remove the output activation or set fromLogits: false.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation)).At(output.Name, output.Index));
        else if (!loss.IsCrossEntropy && probabilities && output.Units > 1)
            yield return new(Make(FindingCodes.LossOutputMismatch, Severity.Warning,
                $"'{loss.Name}' on a {activation} classifier output learns slowly: the {activation}'s derivative shrinks the already small " +
                "squared-error gradient when the model is confidently wrong. Cross-entropy cancels that derivative.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation), ("units", output.Units)).At(output.Name, output.Index));
    }
}
