using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>
/// Vanishing and exploding gradients through time (Bengio, Simard and Frasconi 1994; Pascanu, Mikolov and Bengio
/// 2013): per recurrent layer, the median of ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ below <see cref="DoctorThresholds.VanishingThroughTimeRatio"/>
/// or above <see cref="DoctorThresholds.ExplodingThroughTimeRatio"/>, with the per-step norms as evidence.
/// </summary>
internal sealed class GradientsThroughTimeDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        foreach (var layer in q.Layers)
        {
            double ratio = layer.MedianStateGradientRatio;
            if (!double.IsFinite(ratio) || layer.MedianStateGradientSample is not { } sample) continue;
            // A layer whose gates were sampled is an LSTM or GRU already: replacing it by one is no advice.
            bool gated = layer.GateNames.Any();
            var evidence = new (string, object)[]
            {
                ("first_to_last_step_ratio", R(ratio)), ("state_gradient_norms", sample.StateGradientNorms!),
                ("vanishing_ratio_threshold", t.VanishingThroughTimeRatio), ("exploding_ratio_threshold", t.ExplodingThroughTimeRatio),
            };
            if (ratio < t.VanishingThroughTimeRatio)
                yield return new(Make(FindingCodes.VanishingGradients, Severity.Error,
                    $"Gradients vanish through time in '{layer.Name}': the first step's state receives {ratio:G2} times the " +
                    "gradient of the last step's, so what happened early in a sequence barely reaches the weights.",
                    gated ? [FixCodes.ShortenSequences] : [FixCodes.UseLstmOrGru, FixCodes.ShortenSequences], evidence)
                    .At(layer.Name, layer.Index, sample.Epoch, sample.Step));
            else if (ratio > t.ExplodingThroughTimeRatio)
                yield return new(Make(FindingCodes.ExplodingGradients, Severity.Error,
                    $"Gradients explode through time in '{layer.Name}': the first step's state receives {ratio:G2} times the " +
                    "gradient of the last step's, so a few steps dominate every update.",
                    gated ? [FixCodes.ClipGradients, FixCodes.LowerLearningRate] : [FixCodes.ClipGradients, FixCodes.UseLstmOrGru, FixCodes.LowerLearningRate],
                    evidence)
                    .At(layer.Name, layer.Index, sample.Epoch, sample.Step));
        }
    }
}
