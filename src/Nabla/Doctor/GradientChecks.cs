using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Findings read from the per-layer samples: vanishing and exploding gradients, saturation, dead units.</summary>
internal static class GradientChecks
{
    /// <summary>AUTOTRAINER: ‖∇W_first‖/‖∇W_last‖ below 1e-3 while ‖∇W_first‖ is below 1e-4 (medians over samples).</summary>
    public static void Vanishing(List<List<LayerSample>> byLayer, List<Finding> findings, DoctorThresholds t, bool learned, bool unnormalized)
    {
        if (byLayer.Count < 2 || learned) return;
        var first = byLayer[0];
        var last = byLayer[^1];
        double firstNorm = Median(first.Select(s => s.KernelGradNorm));
        double lastNorm = Median(last.Select(s => s.KernelGradNorm));
        if (!double.IsFinite(firstNorm) || !(lastNorm > 0)) return;
        double ratio = firstNorm / lastNorm;
        if (ratio >= t.VanishingGradientRatio || firstNorm >= t.VanishingFirstLayerNorm) return;
        var fixes = new List<string>();
        if (first.Any(s => !double.IsNaN(s.SaturatedFraction))) fixes.Add(FixCodes.UseReluHeInit);
        if (unnormalized) fixes.Add(FixCodes.NormalizeInputs);
        fixes.AddRange([FixCodes.AddBatchNormalization, FixCodes.FixInitialization]);
        findings.Add(Make(FindingCodes.VanishingGradients, Severity.Error,
            $"Gradients vanish on the way back: the first layer '{first[0].Layer}' receives {ratio:G2} times the gradient of the last " +
            $"layer '{last[0].Layer}' (norm {firstNorm:G2}), so the early layers barely change.",
            fixes, ("first_layer_gradient_norm", R(firstNorm)), ("last_layer_gradient_norm", R(lastNorm)), ("ratio", R(ratio)),
            ("ratio_threshold", t.VanishingGradientRatio), ("norm_threshold", t.VanishingFirstLayerNorm))
            .At(first[0].Layer, first[0].LayerIndex, first[0].Epoch, first[0].Step));
    }

    /// <summary>Gradients that grow by orders of magnitude during training, or AUTOTRAINER's ratio above 70 while not learning.</summary>
    public static void Exploding(TrainingRecord r, List<List<LayerSample>> byLayer, List<Finding> findings, DoctorThresholds t, bool learned, bool unnormalized)
    {
        if (learned || byLayer.Count == 0) return;
        var fixes = new List<string> { FixCodes.ClipGradients, FixCodes.LowerLearningRate };
        if (unnormalized) fixes.Insert(0, FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        double lossNow = r.Losses.Count > 0 ? r.Losses[^1] : double.NaN;
        if (lossNow >= t.ExplodingLoss && lossNow > r.InitialLoss)
        {
            findings.Add(Make(FindingCodes.ExplodingGradients, Severity.Error,
                $"The loss grew to {lossNow:G3} (it started at {r.InitialLoss:G3}): the updates overshoot and feed on themselves.",
                fixes, ("loss", R(lossNow)), ("initial_loss", R(r.InitialLoss)), ("threshold", t.ExplodingLoss)).At(null, null, r.Losses.Count - 1));
            return;
        }
        if (byLayer.Count < 2) return;
        var first = byLayer[0];
        var last = byLayer[^1];
        double ratio = Median(first.Select(s => s.KernelGradNorm)) / Median(last.Select(s => s.KernelGradNorm));
        if (ratio > t.ExplodingGradientRatio)
            findings.Add(Make(FindingCodes.ExplodingGradients, Severity.Error,
                $"The first layer '{first[0].Layer}' receives {ratio:G3} times the gradient of the last layer: gradients grow on the way back.",
                fixes, ("ratio", R(ratio)), ("threshold", t.ExplodingGradientRatio)).At(first[0].Layer, first[0].LayerIndex, first[0].Epoch, first[0].Step));
    }

    /// <summary>Sigmoid/tanh layers whose pre-activations mostly sit on the flat tails (the seed's first cause).</summary>
    public static void Saturation(List<List<LayerSample>> byLayer, List<Finding> findings, DoctorThresholds t, bool learned, bool unnormalized)
    {
        foreach (var layer in byLayer)
        {
            var measured = layer.Where(s => !double.IsNaN(s.SaturatedFraction)).ToList();
            if (measured.Count == 0) continue;
            double share = measured.Average(s => s.SaturatedFraction);
            if (share <= t.SaturatedFraction) continue;
            var fixes = new List<string>();
            if (unnormalized) fixes.Add(FixCodes.NormalizeInputs);
            fixes.AddRange([FixCodes.UseReluHeInit, FixCodes.AddBatchNormalization]);
            var worst = measured.OrderByDescending(s => s.SaturatedFraction).First();
            var firstSeen = measured.First(s => s.SaturatedFraction > t.SaturatedFraction);
            bool severe = !learned || share > t.SevereSaturatedFraction;
            findings.Add(Make(FindingCodes.SaturatedActivations, severe ? Severity.Error : Severity.Warning,
                $"{share:P0} of the {worst.Activation} inputs in '{worst.Layer}' have |z| > {t.SaturationPreActivation}, where the " +
                $"{worst.Activation}'s slope is almost zero: those units pass back almost no gradient" +
                (unnormalized ? ". The large raw inputs push them there." : "."),
                fixes, ("saturated_fraction", R(share)), ("max_saturated_fraction", R(worst.SaturatedFraction)),
                ("threshold", t.SaturatedFraction), ("preactivation_threshold", t.SaturationPreActivation))
                .At(firstSeen.Layer, firstSeen.LayerIndex, firstSeen.Epoch, firstSeen.Step));
        }
    }

    /// <summary>ReLU layers whose units output 0 for every sample (AUTOTRAINER, DeepDiagnosis: 70%).</summary>
    public static void DeadRelu(TrainingRecord r, List<List<LayerSample>> byLayer, List<Finding> findings, DoctorThresholds t, bool learned)
    {
        foreach (var layer in byLayer)
        {
            var measured = layer.Where(s => !double.IsNaN(s.DeadFraction)).ToList();
            if (measured.Count == 0) continue;
            var latest = measured[^1];
            if (latest.DeadFraction < t.DeadReluFraction) continue;
            var fixes = new List<string>();
            if (r.LearningRate > t.MaxLearningRate || measured.Any(s => s.UpdateRatio > t.MaxUpdateRatio)) fixes.Add(FixCodes.LowerLearningRate);
            fixes.AddRange([FixCodes.UseLeakyRelu, FixCodes.FixInitialization, FixCodes.AddBatchNormalization]);
            var firstSeen = measured.First(s => s.DeadFraction >= t.DeadReluFraction);
            findings.Add(Make(FindingCodes.DeadRelu, learned ? Severity.Warning : Severity.Error,
                $"{latest.DeadFraction:P0} of the ReLU units in '{latest.Layer}' output 0 for every sample of the batch: a dead ReLU has zero " +
                "gradient, so it never recovers. Large updates or a strongly negative bias push units there.",
                fixes, ("dead_fraction", R(latest.DeadFraction)), ("threshold", t.DeadReluFraction))
                .At(firstSeen.Layer, firstSeen.LayerIndex, firstSeen.Epoch, firstSeen.Step));
        }
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
