using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>AUTOTRAINER: ‖∇W_first‖/‖∇W_last‖ below beta_1 while ‖∇W_first‖ is below beta_2 (medians over samples).</summary>
internal sealed class VanishingGradientsDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.VanishingGradientNorms() is not (double firstNorm, double lastNorm) || !Quantities.Vanish(firstNorm, lastNorm, t)) yield break;
        var first = q.Layers[0];
        var last = q.ReferenceLayer!;
        double ratio = firstNorm / lastNorm;
        var fixes = new List<string>();
        // In a deep plain stack the structural remedy comes first: shortcuts carry the gradient past every block.
        if (q.Model.PlainChainKernelLayers >= t.SkipConnectionMinDepth) fixes.Add(FixCodes.AddSkipConnections);
        if (first.WithSaturation.Any()) fixes.Add(FixCodes.UseReluHeInit);
        if (q.UnnormalizedInputs(t)) fixes.Add(FixCodes.NormalizeInputs);
        fixes.AddRange([FixCodes.AddBatchNormalization, FixCodes.FixInitialization]);
        yield return new(Make(FindingCodes.VanishingGradients, Severity.Error,
            $"Gradients vanish on the way back: the first layer '{first.Name}' receives {ratio:G2} times the gradient of the last " +
            $"layer '{last.Name}' (norm {firstNorm:G2}), so the early layers barely change.",
            fixes, ("first_layer_gradient_norm", R(firstNorm)), ("last_layer_gradient_norm", R(lastNorm)), ("ratio", R(ratio)),
            ("ratio_threshold", t.VanishingGradientRatio), ("norm_threshold", t.VanishingFirstLayerNorm))
            .At(first.Name, first.Index, first.First.Epoch, first.First.Step));
    }
}
