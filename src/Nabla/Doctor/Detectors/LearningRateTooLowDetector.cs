using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>A learning rate below UMLAUT's floor; steps so small that even the fastest-moving layer barely changes
/// (DeepDiagnosis's band ‖Δw‖/‖w‖ ≥ 1e-5); or the learning-rate probe: ten times the rate lowers the loss several times
/// more in the same steps. Only layers with a gradient to step along count for the ratio: when gradients vanish the
/// early layers crawl while the last one moves normally, and the cause is the vanishing, not the rate. For the same
/// reason the probe alone does not name the rate while gradients vanish.</summary>
internal sealed class LearningRateTooLowDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        double lr = q.Model.LearningRate;
        if (lr < t.MinLearningRate)
        {
            yield return Detection.Blocking(Make(FindingCodes.LearningRateTooLow, Severity.Error,
                $"The learning rate {lr:G3} is below {t.MinLearningRate:G1}: each step changes the weights by almost nothing.",
                [FixCodes.RaiseLearningRate], ("learning_rate", lr), ("threshold", t.MinLearningRate)).At(null, null));
            yield break;
        }
        double fastest = q.FastestUpdateRatio;
        bool crawling = fastest < t.MinUpdateRatio;
        bool probed = q.RateResponse is { } r && r.FavorsHigher(t);
        if (!crawling && !probed) yield break;
        // The probe's faster fall at ten times the rate is what any remedy of vanishing gradients buys too: the last layers
        // carry the learning, and a larger step speeds them up. With gradients vanishing it does not single out the rate.
        if (!crawling && q.GradientsVanish(t)) yield break;
        string why = crawling
            ? $"Even the layer that moves most changes its weights by only {fastest:G2} of their size per step (median), below " +
              $"{t.MinUpdateRatio:G1}: with learning rate {lr:G3} training would take far too long."
            : q.RateResponse!.ClearlyFasterAtTenTimes(t)
                ? $"Ten times the learning rate {lr:G3} lowers the loss several times faster."
                : $"The loss falls in proportion to the learning rate {lr:G3}: each tenfold rate lowers it about ten times more, " +
                  "so the steps are far too small to reach the loss's curvature.";
        yield return new(Make(FindingCodes.LearningRateTooLow, Severity.Error,
            why + (q.RateResponse is { } p ? $" Probe: {p.Describe()}." : ""),
            q.Model.AdaptiveOptimizer ? [FixCodes.RaiseLearningRate] : [FixCodes.UseAdam, FixCodes.RaiseLearningRate],
            [("update_ratio", R(fastest)), ("min_update_ratio", t.MinUpdateRatio), ("learning_rate", lr), .. ProbeEvidence.Of(q.RateResponse, t)]).At(null, null));
    }
}
