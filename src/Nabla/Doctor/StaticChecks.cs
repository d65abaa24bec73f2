using Nabla.Layers;
using Nabla.Losses;
using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>
/// Checks that need no training: how the loss pairs with the output layer, the learning rate's range,
/// the initial weights (UMLAUT and DeepDiagnosis style), and the scale of the inputs and targets.
/// </summary>
internal static class StaticChecks
{
    public static List<Finding> Structure(Model model, DoctorThresholds t)
    {
        var findings = new List<Finding>();
        if (model.TrainableWeights.Count == 0)
            findings.Add(Make(FindingCodes.MissingGradients, Severity.Error,
                "No layer of the model is trainable, so no weight can receive a gradient and nothing will be learned.",
                [FixCodes.RemoveBlockingOp], ("trainable_weights", 0)).At(null, null));
        CheckLossOutput(model, findings);
        CheckLearningRate(model, t, findings);
        CheckInitialWeights(model, t, findings);
        return findings;
    }

    private static void CheckLossOutput(Model model, List<Finding> findings)
    {
        var (last, index) = LastDense(model);
        if (last is null || model.Loss is not Loss loss) return;
        var activation = OutputActivation(model, index).Name;
        bool probabilityOutput = activation is "softmax" or "sigmoid";
        if (activation == "softmax" && last.Units == 1)
            findings.Add(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                "The output layer is a softmax over a single unit: softmax normalizes across units, so the output is always exactly 1 " +
                "and every gradient through it is exactly 0. Use sigmoid for one output, one unit per class with softmax, or a linear output for regression.",
                OutputFixes(loss.IsCrossEntropy), ("units", 1), ("activation", "softmax")).At(last.Name, index));
        else if (loss.IsCrossEntropy && loss.ExpectsProbabilities && !probabilityOutput)
            findings.Add(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                $"The loss '{loss.Name}' expects probabilities, but the output layer's activation is '{activation}', so its outputs " +
                "can be negative or above 1; the loss clips them and the gradient is cut. Use softmax/sigmoid on the output, or fromLogits: true.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation)).At(last.Name, index));
        else if (loss.IsCrossEntropy && !loss.ExpectsProbabilities && probabilityOutput)
            findings.Add(Make(FindingCodes.LossOutputMismatch, Severity.Warning,
                $"The loss '{loss.Name}' is computed from logits, but the output already went through '{activation}': it is squashed twice, " +
                "which flattens the gradient. Remove the output activation or set fromLogits: false.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation)).At(last.Name, index));
        else if (!loss.IsCrossEntropy && probabilityOutput && last.Units > 1)
            findings.Add(Make(FindingCodes.LossOutputMismatch, Severity.Warning,
                $"'{loss.Name}' on a {activation} classifier output learns slowly: the {activation}'s derivative shrinks the already small " +
                "squared-error gradient when the model is confidently wrong. Cross-entropy cancels that derivative.",
                [FixCodes.UseCrossEntropy], ("loss", loss.Name), ("output_activation", activation), ("units", last.Units)).At(last.Name, index));
    }

    private static void CheckLearningRate(Model model, DoctorThresholds t, List<Finding> findings)
    {
        if (model.Optimizer is null) return;
        double lr = model.Optimizer.LearningRate;
        if (lr < t.MinLearningRate)
            findings.Add(Make(FindingCodes.LearningRateTooLow, Severity.Error,
                $"The learning rate {lr:G3} is below {t.MinLearningRate:G1}: each step changes the weights by almost nothing.",
                [FixCodes.RaiseLearningRate], ("learning_rate", lr), ("threshold", t.MinLearningRate)).At(null, null));
    }

    private static void CheckInitialWeights(Model model, DoctorThresholds t, List<Finding> findings)
    {
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is not Dense dense || !dense.IsBuilt) continue;
            var w = dense.Kernel.Data;
            double mean = w.Average(v => (double)v);
            double variance = w.Average(v => (v - mean) * (v - mean));
            var activation = OutputActivation(model, i);
            int fanIn = dense.Kernel.Shape[0], fanOut = dense.Kernel.Shape[1];
            double expected = activation.IsReluFamily ? Math.Sqrt(2.0 / fanIn) : Math.Sqrt(2.0 / (fanIn + fanOut));
            double std = Math.Sqrt(variance);
            var fixes = activation.IsSaturating
                ? new[] { FixCodes.FixInitialization, FixCodes.UseReluHeInit }
                : [FixCodes.FixInitialization];
            var evidence = new (string, object)[]
            {
                ("weight_std", R(std)), ("expected_std", R(expected)), ("weight_variance", R(variance)),
                ("min_variance", t.MinWeightVariance), ("max_variance", t.MaxWeightVariance), ("fan_in", fanIn),
            };
            if (variance < t.MinWeightVariance || variance > t.MaxWeightVariance)
                findings.Add(Make(FindingCodes.PoorInitialization, Severity.Error,
                    variance == 0
                        ? $"Every weight of '{dense.Name}' starts with the same value, so all its units compute the same thing and receive the same update: they can never become different."
                        : $"The weights of '{dense.Name}' start with variance {variance:G3}, outside [{t.MinWeightVariance:G1}, {t.MaxWeightVariance:G2}]: signals shrink or blow up as they pass through the layer.",
                    fixes, evidence).At(dense.Name, i));
            else if (std > expected * t.InitStdFactor || std < expected / t.InitStdFactor)
                findings.Add(Make(FindingCodes.PoorInitialization, Severity.Warning,
                    $"The weights of '{dense.Name}' start with std {std:G3}, {(std > expected ? "above" : "below")} the {expected:G3} that keeps the " +
                    $"signal's variance through a layer with {fanIn} inputs and {activation.Name} (more than {t.InitStdFactor}x off).",
                    fixes, [.. evidence, ("factor", t.InitStdFactor)]).At(dense.Name, i));
        }
    }

    /// <summary>Input scale (after any preprocessing layers at the front of the model) and target range.</summary>
    public static List<Finding> Data(Model model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, DoctorThresholds t)
    {
        var findings = new List<Finding>();
        var magnitude = InputStatistics.Measure(inputs);
        if (magnitude.P99 > t.UnnormalizedInputMagnitude)
            findings.Add(Make(FindingCodes.UnnormalizedInputs, Severity.Warning,
                $"The inputs are not normalized: 99% of |x| lie below {magnitude.P99:G4} and the largest is {magnitude.Max:G4}. " +
                "Large inputs make the first layer's pre-activations large: sigmoid/tanh units saturate and gradients vanish, or steps overshoot.",
                [FixCodes.NormalizeInputs], ("p99_abs_input", R(magnitude.P99)), ("max_abs_input", R(magnitude.Max)),
                ("threshold", t.UnnormalizedInputMagnitude)).At(null, null));
        var (last, index) = LastDense(model);
        if (last is null || targets.IsEmpty) return findings;
        var activation = OutputActivation(model, index).Name;
        if (activation is "softmax" or "sigmoid" && model.Loss is { ExpectsIntegerLabels: false })
        {
            float min = System.Numerics.Tensors.TensorPrimitives.Min(targets);
            float max = System.Numerics.Tensors.TensorPrimitives.Max(targets);
            if (min < 0 || max > 1)
                findings.Add(Make(FindingCodes.LossOutputMismatch, Severity.Error,
                    $"The targets range over [{min:G4}, {max:G4}] but the {activation} output can only produce values in [0, 1]: " +
                    "the loss can never reach its minimum. One-hot encode class labels (Preprocessing.ToCategorical) or use a linear output.",
                    OutputFixes(crossEntropy: false, AreClassLabels(targets)), ("target_min", min), ("target_max", max), ("output_activation", activation)).At(last.Name, index));
        }
        return findings;
    }

    /// <summary>The fixes for an output layer that cannot produce the targets, the likelier first. A cross-entropy loss
    /// needs probabilities, so a linear output would be wrong there; a regression loss wants a linear output, unless
    /// the targets look like class labels (0, 1, 2...), which cross-entropy on one unit per class fits.</summary>
    internal static string[] OutputFixes(bool crossEntropy, bool classLabels = false) =>
        crossEntropy ? [FixCodes.UseCrossEntropy]
        : classLabels ? [FixCodes.UseCrossEntropy, FixCodes.UseLinearOutput]
        : [FixCodes.UseLinearOutput, FixCodes.UseCrossEntropy];

    /// <summary>Every target a non-negative whole number: what integer class labels look like.</summary>
    internal static bool AreClassLabels(ReadOnlySpan<float> targets)
    {
        foreach (float v in targets)
            if (v < 0 || v != MathF.Floor(v)) return false;
        return !targets.IsEmpty;
    }

    /// <summary>What the first weighted layer sees in a captured step: the batch after the model's leading
    /// preprocessing layers (Normalization, Rescaling, Flatten, InputLayer), whose scale is what matters.</summary>
    internal static Tensor PreprocessedInputs(Model model, CapturedStep step)
    {
        var inputs = step.X;
        for (int i = 0; i < model.Layers.Count && model.Layers[i] is Normalization or Rescaling or InputLayer or Flatten; i++)
            inputs = step.LayerOutputs[i];
        return inputs;
    }

    internal static (Dense? layer, int index) LastDense(Model model)
    {
        for (int i = model.Layers.Count - 1; i >= 0; i--)
            if (model.Layers[i] is Dense d) return (d, i);
        return (null, -1);
    }

    /// <summary>The activation applied to Dense layer <paramref name="index"/>'s output: its own, or that
    /// of an Activation layer right after a linear Dense.</summary>
    internal static Activations.Activation OutputActivation(Model model, int index)
    {
        var dense = (Dense)model.Layers[index];
        if (dense.Activation.Name == "linear" && index + 1 < model.Layers.Count && model.Layers[index + 1] is Activation next)
            return next.Function;
        return dense.Activation;
    }
}
