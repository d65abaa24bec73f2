using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>The learning rate, read from the update-to-weight ratio (DeepDiagnosis's band ‖Δw‖/‖w‖ ≤ 0.1), from the
/// loss's response over the run (a final loss above where the first batch began), and from the learning-rate probe
/// (the rate itself makes no progress where a tenth of it does).</summary>
internal sealed class LearningRateTooHighDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        var curve = q.Curve;
        double ratio = LayerSeries.Median(q.Layers.SelectMany(l => l.Samples).Select(s => s.UpdateRatio));
        // A loss that drifted up is batch noise, not overshoot, when ten times the rate helps in the probe or when
        // every layer's steps are below DeepDiagnosis's lower band: too high a rate would do neither.
        bool contradicted = (q.RateResponse is { } answer && answer.FavorsHigher(t)) || q.FastestUpdateRatio < t.MinUpdateRatio;
        bool diverged = !contradicted && curve.Losses.Count > 0 && curve.GrowthOverStart > t.DivergedLossGrowth;
        bool probed = q.RateResponse is { } r && r.FavorsLower(t);
        if (!(ratio > t.MaxUpdateRatio) && !diverged && !probed) yield break;
        string why = diverged
            ? $"The loss ended higher ({curve.FinalLoss:G4}) than it started ({curve.InitialLoss:G4}) with learning rate {q.Model.LearningRate:G3}: steps overshoot the minimum."
            : ratio > t.MaxUpdateRatio
                ? $"Each step changes the weights by {ratio:P1} of their size (median), above {t.MaxUpdateRatio:P0}: the learning rate {q.Model.LearningRate:G3} is too large for this model."
                : $"The learning rate {q.Model.LearningRate:G3} makes no real progress where a tenth of it does.";
        yield return new(Make(FindingCodes.LearningRateTooHigh, Severity.Error,
            why + (q.RateResponse is { } p ? $" Probe: {p.Describe()}." : ""),
            [FixCodes.LowerLearningRate, FixCodes.UseLrSchedule, FixCodes.ClipGradients],
            [("update_ratio", R(ratio)), ("max_update_ratio", t.MaxUpdateRatio), ("learning_rate", q.Model.LearningRate),
             ("final_loss", R(curve.FinalLoss)), ("initial_loss", R(curve.InitialLoss)), ("diverged_growth", t.DivergedLossGrowth),
             .. ProbeEvidence.Of(q.RateResponse, t)]).At(null, null));
    }
}
