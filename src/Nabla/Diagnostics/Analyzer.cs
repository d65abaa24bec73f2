using static Nabla.Diagnostics.FindingBuilder;

namespace Nabla.Diagnostics;

/// <summary>
/// Turns a training record into findings. Gradient and curve findings become errors only when the
/// model did not learn (AUTOTRAINER's gate: accuracy below 0.6 for classifiers; for other models a
/// loss still above 80% of its starting value); otherwise they are warnings at most. This is what
/// keeps healthy regressors and classifiers free of false alarms.
/// </summary>
internal static class Analyzer
{
    public static List<Finding> Analyze(TrainingRecord r, DoctorThresholds t)
    {
        var findings = new List<Finding>(r.StaticFindings);
        bool learned = HasLearned(r, t);
        var byLayer = r.Samples.GroupBy(s => s.LayerIndex).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        bool unnormalized = findings.Any(f => f.Code == FindingCodes.UnnormalizedInputs);

        CheckNonFinite(r, findings, byLayer, unnormalized, t);
        CheckMissing(r, findings, byLayer);
        if (r.FirstNonFinite is null)
        {
            GradientChecks.Vanishing(byLayer, findings, t, learned, unnormalized);
            GradientChecks.Exploding(r, byLayer, findings, t, learned, unnormalized);
            GradientChecks.Saturation(byLayer, findings, t, learned, unnormalized);
            GradientChecks.DeadRelu(r, byLayer, findings, t, learned);
            CurveChecks.LearningRate(r, findings, t, learned);
            CurveChecks.Oscillation(r, findings, t, learned);
            CurveChecks.Plateau(r, findings, t, learned);
        }
        if (!learned) Escalate(findings, FindingCodes.UnnormalizedInputs, FindingCodes.PoorInitialization);
        // Raw inputs that drive a layer into saturation are the cause of that error, so an error too.
        if (findings.Any(f => f.Code == FindingCodes.SaturatedActivations && f.Severity == Severity.Error))
            Escalate(findings, FindingCodes.UnnormalizedInputs);
        return Deduplicate(findings);
    }

    /// <summary>AUTOTRAINER's gate: classifiers with accuracy ≥ 0.6; others whose loss fell below 80% of the start
    /// (the mean of the first steps' losses, see <see cref="TrainingRecord.EarlyLoss"/>).</summary>
    internal static bool HasLearned(TrainingRecord r, DoctorThresholds t)
    {
        if (r.FirstNonFinite is not null) return false;
        var accuracy = r.Accuracy;
        if (r.IsClassifier && accuracy is { Count: > 0 }) return accuracy[^1] >= t.LowAccuracy;
        var losses = r.Losses;
        if (losses.Count == 0 || !double.IsFinite(r.EarlyLoss)) return true;
        return losses[^1] <= t.PlateauLossFraction * r.EarlyLoss;
    }

    private static void CheckNonFinite(TrainingRecord r, List<Finding> findings, List<List<LayerSample>> byLayer, bool unnormalized, DoctorThresholds t)
    {
        if (r.FirstNonFinite is not (int epoch, long step, double loss)) return;
        var fixes = new List<string> { FixCodes.LowerLearningRate, FixCodes.ClipGradients };
        if (unnormalized) fixes.Insert(0, FixCodes.NormalizeInputs);
        fixes.Add(FixCodes.AddBatchNormalization);
        findings.Add(Make(FindingCodes.NanLoss, Severity.Error,
            $"The loss became {loss} at epoch {epoch + 1}, step {step}: a value overflowed. That step was not applied: the weights are those of the last step with a finite loss.",
            fixes, ("loss", loss.ToString()), ("step", step)).At(null, null, epoch, step));
        // A NaN usually comes from gradients that grew step after step: show it when the samples say so.
        foreach (var layer in byLayer)
        {
            var finite = layer.Where(s => double.IsFinite(s.KernelGradNorm) && s.KernelGradNorm > 0).ToList();
            double firstNorm = finite.Count > 0 ? finite[0].KernelGradNorm : double.NaN;
            double peak = finite.Count > 0 ? finite.Max(s => s.KernelGradNorm) : double.NaN;
            var overflowed = layer.FirstOrDefault(s => s.NonFinite);
            bool blewUp = overflowed is not null || peak > t.ExplodingGradientGrowth * firstNorm;
            if (!blewUp) continue;
            var seen = overflowed ?? finite.First(s => s.KernelGradNorm == peak);
            findings.Add(Make(FindingCodes.ExplodingGradients, Severity.Error,
                $"The gradient of '{seen.Layer}' grew without bound (from {firstNorm:G3} to {peak:G3}" +
                (overflowed is null ? ")" : ", then past what a float can hold)") + " before the loss turned NaN.",
                [FixCodes.ClipGradients, FixCodes.LowerLearningRate, .. unnormalized ? new[] { FixCodes.NormalizeInputs } : [], FixCodes.AddBatchNormalization],
                ("first_gradient_norm", R(firstNorm)), ("peak_gradient_norm", R(peak)), ("overflowed", overflowed is not null),
                ("growth_threshold", t.ExplodingGradientGrowth))
                .At(seen.Layer, seen.LayerIndex, seen.Epoch, seen.Step));
            break;
        }
    }

    internal static void CheckMissing(TrainingRecord r, List<Finding> findings, List<List<LayerSample>> byLayer)
    {
        // A ReLU layer dead on every sample zeroes the gradient of everything before it (nothing passes back) and
        // of the kernel after it (its inputs are 0): dead_relu names that cause, so zero gradients are not "missing".
        bool deadLayer = byLayer.Any(layer => layer.Count > 0 && layer.All(s => s.DeadFraction >= 1));
        foreach (var layer in byLayer)
        {
            if (layer.Count == 0) continue;
            var first = layer[0];
            if (layer.All(s => s.GradientMissing))
            {
                r.Blockers.TryGetValue(first.Layer, out var blockers);
                string cause = blockers is { Count: > 0 }
                    ? $"the path from the loss is cut by the non-differentiable operation(s) {string.Join(", ", blockers.Select(b => $"'{b}'"))}"
                    : "the layer is not connected to the loss, or it is frozen (trainable: false)";
                findings.Add(Make(FindingCodes.MissingGradients, Severity.Error,
                    $"'{first.Layer}' gets no gradient at all: {cause}. Its weights never change.",
                    [FixCodes.RemoveBlockingOp], ("blocking_ops", string.Join(", ", blockers ?? [])), ("samples", layer.Count))
                    .At(first.Layer, first.LayerIndex, first.Epoch, first.Step));
            }
            else if (!deadLayer && layer.All(s => s.GradientAllZero && !(s.BiasGradNorm > 0)))
                findings.Add(Make(FindingCodes.MissingGradients, Severity.Error,
                    $"The gradient of '{first.Layer}' is exactly zero at every sampled step: the loss does not change when its weights change " +
                    "(for example a one-unit softmax, whose output is always 1).",
                    [.. StaticChecks.OutputFixes(r.CrossEntropyLoss), FixCodes.RemoveBlockingOp], ("gradient_norm", 0.0), ("samples", layer.Count))
                    .At(first.Layer, first.LayerIndex, first.Epoch, first.Step));
        }
    }

    /// <summary>Warnings that explain a failure become errors when the model did not learn.</summary>
    private static void Escalate(List<Finding> findings, params string[] codes)
    {
        for (int i = 0; i < findings.Count; i++)
            if (codes.Contains(findings[i].Code) && findings[i].Severity == Severity.Warning)
                findings[i] = findings[i] with { Severity = Severity.Error };
    }

    /// <summary>One finding per code and layer: the first seen, at its highest severity.</summary>
    private static List<Finding> Deduplicate(List<Finding> findings) =>
        findings.GroupBy(f => (f.Code, f.Layer))
            .Select(g => g.OrderByDescending(f => f.Severity).First())
            .ToList();
}
