using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>The learning rate, read from the update-to-weight ratio (DeepDiagnosis's band ‖Δw‖/‖w‖ ≤ 0.1), from the
/// loss's response over the run (a final loss above where the first batch began, or a loss that bounces back up under
/// steps above UMLAUT's bound), from the learning-rate probe
/// (the rate itself makes no progress where a tenth of it does), and from ReLU units killed during training under a
/// learning rate above UMLAUT's bound (alive at the first sample, dead at the last: CS231n's "with a learning rate set
/// too high, as much as 40% of your network can be dead"; units dead from the start are a bias or an initialization,
/// not the rate), and from a training loss that climbed back out of the minimum it had found and stayed out
/// (<see cref="Relapse"/>).</summary>
internal sealed class LearningRateTooHighDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        var curve = q.Curve;
        // Steps after training froze move nothing at any rate; the steps before it say how large they were.
        double ratio = LayerSeries.Median(q.Layers.SelectMany(l => l.SampledBefore(q.Freeze?.Step)).Select(s => s.UpdateRatio));
        // A loss that drifted up is batch noise, not overshoot, when larger rates do better in the probe or when every
        // layer's steps are below DeepDiagnosis's lower band: too high a rate would do neither.
        bool contradicted = (q.RateResponse is { } answer && (answer.FavorsHigher(t) || answer.RisesWithRate))
            || q.FastestUpdateRatio < t.MinUpdateRatio;
        // A loss that went non-finite is nan_loss's finding; here only a finite loss that ended above its start counts.
        bool diverged = !contradicted && curve.Losses.Count > 0 && double.IsFinite(curve.FinalLoss)
            && LossCurve.Diverged(curve.InitialLoss, curve.FinalLoss, t);
        bool probed = q.RateResponse is { } r && r.FavorsLower(t);
        var killed = !contradicted && q.Model.EffectiveLearningRate > t.MaxLearningRate ? KilledDuringTraining(q, t) : null;
        // Every wrong prediction at the cross-entropy's clip while gradients still flow, under steps above UMLAUT's bound:
        // the steps drove the predictions to certainty (ClippedOutputDetector reports the output itself).
        bool pinnedBySteps = q.MistakesPinnedBySteps(t);
        // A loss that bounces (AUTOTRAINER's unstable training) under steps above UMLAUT's bound: the steps overshoot.
        var bounces = !contradicted && q.Model.EffectiveLearningRate > t.MaxLearningRate ? q.Oscillation(t) : null;
        // A loss that had found a minimum and climbed back out of it for good: the steps are too large to stay in it. Not
        // when the loss clips an output that may leave its range: the climb is then the outputs drifting past the clip.
        var relapse = contradicted || q.Model.OutputOutsideLossRange ? null : q.Relapse;
        if (!(ratio > t.MaxUpdateRatio) && !diverged && !probed && killed is null && !pinnedBySteps && bounces is null && relapse is null)
            yield break;
        string why = diverged
            ? $"The loss ended higher ({curve.FinalLoss:G4}) than it started ({curve.InitialLoss:G4}) with {Rate(q)}: steps overshoot the minimum."
            : ratio > t.MaxUpdateRatio
                ? $"Each step{(q.Freeze is null ? "" : " before training froze")} changes the weights by {ratio:P1} of their size (median), above {t.MaxUpdateRatio:P0}: the {Rate(q)} is too large for this model."
                : probed
                    ? $"The {Rate(q)} makes no real progress where a tenth of it does."
                    : relapse is not null
                    ? $"The training loss fell to {relapse.BestLoss:G4} (epoch {relapse.BestEpoch + 1}), then climbed back to a mean of " +
                      $"{relapse.RecentLoss:G4} over the last {relapse.Epochs} epochs and stayed there: steps of {Rate(q)} threw the weights " +
                      "out of the minimum they had found."
                    : killed is not null
                    ? $"The ReLU units of '{killed.Name}' were {killed.First.DeadFraction:P0} dead at the first sampled step and {killed.Samples[^1].DeadFraction:P0} at the last: " +
                      $"steps of {Rate(q)} (above {t.MaxLearningRate:G1}) pushed them where they get no gradient and never recover."
                    : bounces is var (swings, changes)
                    ? $"The loss goes back up in {swings} of {changes} epochs under steps of {Rate(q)}, above {t.MaxLearningRate:G1}: steps that large overshoot the minimum and bounce across it."
                    : "";
        if (pinnedBySteps)
            why = why.Length > 0
                ? why + " Every wrong prediction sits at the cross-entropy's clip, certain of its mistake: steps that large drive predictions to certainty."
                : $"Every wrong prediction sits at the cross-entropy's clip, certain of its mistake, under steps of {Rate(q)}, above {t.MaxLearningRate:G1}: steps that large drive predictions to certainty.";
        // When a tenth of the rate blows up too, the steps feed on themselves at any rate (Pascanu, Mikolov and Bengio 2013):
        // clipping bounds them first, and a smaller rate is the next thing to try.
        bool lossRisesAtTenth = q.RateResponse is { } response && response.LossRisesAtTenth(t);
        // Wrong predictions pinned at the clip, a loss bouncing back up, or one that ends above its own best are a cost the
        // run shows even when it learned: a warning then.
        var floor = pinnedBySteps || bounces is not null || relapse is not null ? Severity.Warning : Severity.Info;
        yield return new(Make(FindingCodes.LearningRateTooHigh, Severity.Error,
            why + (q.RateResponse is { } p ? $" Probe: {p.Describe()}." : "") +
            (lossRisesAtTenth ? " A tenth of the rate raises the loss too: the steps grow whatever the rate, so clipping comes first." : ""),
            lossRisesAtTenth ? [FixCodes.ClipGradients, FixCodes.LowerLearningRate, FixCodes.UseLrSchedule]
                : [FixCodes.LowerLearningRate, FixCodes.UseLrSchedule, FixCodes.ClipGradients],
            [("update_ratio", R(ratio)), ("max_update_ratio", t.MaxUpdateRatio), ("learning_rate", q.Model.LearningRate),
             ("final_loss", R(curve.FinalLoss)), ("initial_loss", R(curve.InitialLoss)), ("diverged_growth", t.DivergedLossGrowth),
             ("killed_relu_layer", killed?.Name ?? ""), ("max_learning_rate", t.MaxLearningRate),
             ("effective_learning_rate", q.Model.EffectiveLearningRate), ("pinned_wrong_predictions", pinnedBySteps),
             ("swing_epochs", bounces?.Swings ?? 0), ("relapse_best_epoch", relapse is null ? 0 : relapse.BestEpoch + 1),
             ("relapse_best_loss", R(relapse?.BestLoss ?? double.NaN)), ("relapse_recent_loss", R(relapse?.RecentLoss ?? double.NaN)),
             .. ProbeEvidence.Of(q.RateResponse, t)]).At(null, null), Floor: floor);
    }

    /// <summary>The learning rate, and what it amounts to when the loss sums each batch's rows under an optimizer whose
    /// step follows the gradient's size.</summary>
    private static string Rate(Quantities q) =>
        q.Model.EffectiveLearningRate == q.Model.LearningRate
            ? $"learning rate {q.Model.LearningRate:G3}"
            : $"learning rate {q.Model.LearningRate:G3} on a loss that sums the {q.Model.LossRowsSummed} rows of each batch " +
              $"(a rate of {q.Model.EffectiveLearningRate:G3} on Keras's mean loss)";

    /// <summary>The first ReLU layer mostly alive at its first sample and mostly dead at its last; null when none.</summary>
    private static LayerSeries? KilledDuringTraining(Quantities q, DoctorThresholds t) =>
        q.Layers.FirstOrDefault(l => l.WithDeadUnits.ToList() is { Count: >= 2 } measured
            && measured[0].DeadFraction < t.DeadReluFraction && measured[^1].DeadFraction >= t.DeadReluFraction);
}
