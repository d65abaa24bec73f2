using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Findings read from the loss curve and the update sizes: learning rate, oscillation, plateau.</summary>
internal static class CurveChecks
{
    /// <summary>DeepDiagnosis's update-size band ‖Δw‖/‖w‖ ∈ [1e-5, 0.1], and a loss that ends above where it began.</summary>
    public static void LearningRate(TrainingRecord r, List<Finding> findings, DoctorThresholds t, bool learned)
    {
        double ratio = GradientChecks.Median(r.Samples.Select(s => s.UpdateRatio));
        var losses = r.Losses;
        bool diverged = losses.Count > 0 && losses[^1] > r.InitialLoss * 1.05;
        if ((ratio > t.MaxUpdateRatio || diverged) && !learned)
            findings.Add(Make(FindingCodes.LearningRateTooHigh, Severity.Error,
                diverged
                    ? $"The loss ended higher ({losses[^1]:G4}) than it started ({r.InitialLoss:G4}) with learning rate {r.LearningRate:G3}: steps overshoot the minimum."
                    : $"Each step changes the weights by {ratio:P1} of their size (median), above {t.MaxUpdateRatio:P0}: the learning rate {r.LearningRate:G3} is too large for this model.",
                [FixCodes.LowerLearningRate, FixCodes.UseLrSchedule, FixCodes.ClipGradients],
                ("update_ratio", R(ratio)), ("max_update_ratio", t.MaxUpdateRatio), ("learning_rate", r.LearningRate),
                ("final_loss", losses.Count > 0 ? R(losses[^1]) : double.NaN), ("initial_loss", R(r.InitialLoss))).At(null, null));
        else if (!findings.Any(f => f.Code == FindingCodes.VanishingGradients) &&
                 FastestLayerUpdate(r) is double fastest && fastest < t.MinUpdateRatio && !learned)
            findings.Add(Make(FindingCodes.LearningRateTooLow, Severity.Error,
                $"Even the layer that moves most changes its weights by only {fastest:G2} of their size per step (median), below " +
                $"{t.MinUpdateRatio:G1}: with learning rate {r.LearningRate:G3} training would take far too long.",
                r.AdaptiveOptimizer ? [FixCodes.RaiseLearningRate] : [FixCodes.UseAdam, FixCodes.RaiseLearningRate],
                ("update_ratio", R(fastest)), ("min_update_ratio", t.MinUpdateRatio), ("learning_rate", r.LearningRate)).At(null, null));
    }

    /// <summary>
    /// The largest per-layer median update ratio, over steps where the layer had a non-zero gradient; null when no
    /// layer had one. A small step is the learning rate's fault only where there was a gradient to step along
    /// (frozen, dead or cut-off layers do not move at any rate; a frozen one may have a gradient it never applies), and only if no layer moves: when gradients vanish,
    /// the early layers crawl while the last one moves normally, and the cause is the vanishing, not the rate.
    /// </summary>
    private static double? FastestLayerUpdate(TrainingRecord r)
    {
        var perLayer = r.Samples
            .Where(s => s.Trainable && s.KernelGradNorm > 0 && double.IsFinite(s.KernelGradNorm))
            .GroupBy(s => s.LayerIndex)
            .Select(g => GradientChecks.Median(g.Select(s => s.UpdateRatio)))
            .Where(double.IsFinite)
            .ToList();
        return perLayer.Count == 0 ? null : perLayer.Max();
    }

    /// <summary>AUTOTRAINER: the loss swings up in at least 20% of epochs (here by more than 10%), or accuracy drops by 0.03 or more.</summary>
    public static void Oscillation(TrainingRecord r, List<Finding> findings, DoctorThresholds t, bool learned)
    {
        var losses = r.Losses;
        if (losses.Count < 5) return;
        int swings = 0;
        for (int i = 1; i < losses.Count; i++)
            if (losses[i] > losses[i - 1] * (1 + t.OscillationRelativeSwing)) swings++;
        var accuracy = r.Accuracy;
        if (accuracy is { Count: > 1 })
        {
            int drops = 0;
            for (int i = 1; i < accuracy.Count; i++) if (accuracy[i] <= accuracy[i - 1] - 0.03) drops++;
            swings = Math.Max(swings, drops);
        }
        double share = swings / (double)(losses.Count - 1);
        if (share < t.OscillationEpochFraction) return;
        findings.Add(Make(FindingCodes.OscillatingLoss, learned ? Severity.Warning : Severity.Error,
            $"The loss goes back up in {swings} of {losses.Count - 1} epochs: the optimizer bounces across the valley instead of descending it.",
            [FixCodes.LowerLearningRate, FixCodes.UseLrSchedule, FixCodes.ChangeBatchSize, FixCodes.UseAdam],
            ("swing_epochs", swings), ("epochs", losses.Count - 1), ("share", R(share)), ("threshold", t.OscillationEpochFraction))
            .At(null, null, 1));
    }

    /// <summary>The loss stopped improving while the model has not learned (the seed's symptom).</summary>
    public static void Plateau(TrainingRecord r, List<Finding> findings, DoctorThresholds t, bool learned)
    {
        var losses = r.Losses;
        if (learned || losses.Count < 2) return;
        int window = Math.Min(t.PlateauEpochs, losses.Count - 1);
        double before = losses[^(window + 1)], after = losses[^1];
        double improvement = (before - after) / Math.Abs(before);
        // Stuck at the trivial solution: a cross-entropy within a few percent of ln(classes) is what a uniform guess
        // scores, however the last epochs moved (measured: six sigmoid layers on MNIST at chance accuracy went from
        // 2.333 to 2.305 in 3 epochs, a 1.2% "improvement" toward ln 10 = 2.303).
        bool atUniformGuess = double.IsFinite(r.UniformGuessLoss) && Math.Abs(after - r.UniformGuessLoss) <= r.UniformGuessLoss * t.UniformGuessLossMargin;
        // A run that did not learn must not end "healthy": when no error explains it, the loss is falling too slowly
        // to get anywhere in this budget, which is the plateau's own fix list (measured: Adam at 1e-5, 33% accuracy
        // after 6 epochs on 4 clusters, loss falling 1-2% per epoch, had no finding at all).
        bool unexplained = !findings.Any(f => f.Severity == Severity.Error);
        if (improvement >= t.PlateauRelativeImprovement && !atUniformGuess && !unexplained) return;
        var fixes = new List<string>();
        foreach (var code in findings.Where(f => f.Severity == Severity.Error).SelectMany(f => f.Fixes).Select(f => f.Code))
            fixes.Add(code);
        fixes.AddRange(r.AdaptiveOptimizer ? [FixCodes.RaiseLearningRate, FixCodes.UseLrSchedule] : [FixCodes.UseAdam, FixCodes.RaiseLearningRate]);
        findings.Add(Make(FindingCodes.LossPlateau, Severity.Error,
            (atUniformGuess ? $"The loss {after:G4} is where a uniform guess over the classes puts it ({r.UniformGuessLoss:G4}): the model has learned nothing yet. " : "") +
            (improvement >= t.PlateauRelativeImprovement
                ? $"The loss is improving too slowly to learn in this budget ({improvement:P1} over the last {window} epochs) "
                : $"The loss has stopped improving ({improvement:P1} over the last {window} epochs, threshold {t.PlateauRelativeImprovement:P0}) ") +
            $"while still at {after:G4}" + (r.Accuracy is { Count: > 0 } acc ? $" with accuracy {acc[^1]:P1}." : "."),
            fixes, ("improvement", R(improvement)), ("threshold", t.PlateauRelativeImprovement), ("window_epochs", window),
            ("uniform_guess_loss", R(r.UniformGuessLoss)), ("uniform_guess_margin", t.UniformGuessLossMargin),
            ("loss", R(after)), ("accuracy", r.Accuracy is { Count: > 0 } a ? R(a[^1]) : double.NaN))
            .At(null, null, losses.Count - 1));
    }
}
