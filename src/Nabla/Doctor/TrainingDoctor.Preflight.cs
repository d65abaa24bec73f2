namespace Nabla.Doctor;

/// <summary>The doctor's entry points that are not a callback: pre-flight checks and repair.</summary>
public sealed partial class TrainingDoctor
{
    /// <summary>Samples the pre-flight probe looks at: enough for stable statistics, small enough to take milliseconds.</summary>
    public const int PreflightSamples = 256;

    /// <summary>
    /// Checks a compiled model against its data before any training: loss/output pairing, input scale,
    /// initial weights, and one forward/backward pass on a few samples for missing, vanishing or
    /// saturating gradients. Changes nothing in the model. Findings are warnings or errors; none of
    /// them depends on training dynamics.
    /// </summary>
    public static Diagnosis Preflight(Model model, Tensor x, Tensor y, DoctorThresholds? thresholds = null)
    {
        var t = thresholds ?? new DoctorThresholds();
        if (!model.IsCompiled)
            throw new InvalidOperationException($"Preflight: model '{model.Name}' must be compiled first.");
        int count = Math.Min(PreflightSamples, x.Shape[0]);
        var xs = DataChecks.Rows(x, 0, count);
        var ys = DataChecks.Rows(y, 0, count);
        DataChecks.CheckPair(model, xs, ys, "x", "y");

        var findings = StaticChecks.Structure(model, t);
        var step = model.CaptureGradientStep(xs, ys);
        findings.AddRange(StaticChecks.Data(model, StaticChecks.PreprocessedInputs(model, step).Data, ys.Data, t));

        var probes = CreateProbes(model);
        var samples = new List<LayerSample>();
        foreach (var probe in probes)
        {
            probe.BeforeStep();
            samples.Add(probe.Measure(step, 0, 0, t.SaturationPreActivation));
        }
        var byLayer = samples.GroupBy(s => s.LayerIndex).Select(g => g.ToList()).ToList();
        // CaptureGradientStep clears every gradient first, so a null kernel gradient means "not reached".
        var record = new TrainingRecord { CrossEntropyLoss = model.Loss is { IsCrossEntropy: true } };
        foreach (var probe in probes)
            if (probe.Layer.Kernel.Grad is null)
                record.Blockers[probe.Layer.Name] = step.Graph.BlockersOf(probe.Layer.Kernel).Select(op => op.Name).Distinct().ToList();
        var probeFindings = new List<Finding>();
        bool unnormalized = findings.Any(f => f.Code == FindingCodes.UnnormalizedInputs);
        Analyzer.CheckMissing(record, probeFindings, byLayer);
        // Before training nothing has been "learned": report what the first pass shows, as warnings.
        GradientChecks.Vanishing(byLayer, probeFindings, t, learned: false, unnormalized);
        GradientChecks.Saturation(byLayer, probeFindings, t, learned: true, unnormalized);
        GradientChecks.DeadRelu(record, byLayer, probeFindings, t, learned: true);
        foreach (var f in probeFindings)
            findings.Add(f.Code == FindingCodes.MissingGradients ? f : f with { Severity = Severity.Warning });
        return new Diagnosis(findings, samples, new Dictionary<string, IReadOnlyList<double>>());
    }
}
