using Nabla.Data;
namespace Nabla.Doctor;

public sealed partial class TrainingDoctor
{
    /// <summary>Samples the pre-flight probe looks at: enough for stable statistics, small enough to take milliseconds.</summary>
    public const int PreflightSamples = 256;

    /// <summary>
    /// Checks a compiled model against its data before any training: loss/output pairing, input and target scale,
    /// initial weights, and one forward/backward pass on a few samples for missing, vanishing or
    /// saturating gradients. Changes nothing in the model. Only problems that block learning by themselves
    /// are errors; the rest are warnings, since nothing has been learned yet.
    /// </summary>
    public static Diagnosis Preflight(Model model, Tensor x, Tensor y, DoctorThresholds? thresholds = null)
    {
        var t = thresholds ?? new DoctorThresholds();
        if (!model.IsCompiled)
            throw new InvalidOperationException($"Preflight: model '{model.Name}' must be compiled first.");
        int count = Math.Min(PreflightSamples, x.Shape[0]);
        var xs = Preprocessing.RowRange(x, 0, count);
        var ys = Preprocessing.RowRange(y, 0, count);
        DataChecks.CheckPair(model, xs, ys, "x", "y");

        var watched = WatchedLayers.Of(model);
        var modelQuantities = ModelQuantities.Of(model, watched);
        var step = model.CaptureGradientStep(xs, ys);
        var probes = watched.Select(l => new LayerProbe(l)).ToList();
        var samples = new List<LayerSample>();
        foreach (var probe in probes)
        {
            probe.BeforeStep();
            // No update happens here, so there is no update size to report.
            samples.Add(probe.Measure(step, 0, 0, t) with { UpdateRatio = double.NaN });
        }
        // CaptureGradientStep clears every gradient first, so a null kernel gradient means "not reached".
        var record = new TrainingRecord
        {
            Model = modelQuantities.WithData(model, watched, step, ys.Data, ys.Size / Math.Max(1, ys.Shape[0])),
            Samples = samples,
        };
        // The sampled rows' targets give their scale (unscaled_targets) before any training.
        record.AddTargets(ys.Data.AsSpan(0, ys.Size));
        record.FindBlockers(step.Graph, probes);
        record.FindMissingGradientCauses(model);
        var q = Pipeline.Measure(record, t, trained: false);
        var (findings, primary) = Pipeline.Diagnose(q, t);
        return new Diagnosis(findings, samples, new Dictionary<string, IReadOnlyList<double>>(), primary);
    }
}
