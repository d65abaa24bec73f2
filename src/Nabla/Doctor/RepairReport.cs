namespace Nabla.Doctor;

/// <summary>One tried fix: what changed and the numbers before and after.</summary>
public sealed record RepairAttempt(string Fix, string Change, RunSummary Before, RunSummary After, bool Kept)
{
    /// <summary>Why the changed experiment could not run (the exception's type and message); null when it ran. A failed
    /// attempt is never kept, and its <see cref="After"/> is <see cref="RunSummary.Failed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The later fix of the same finding whose run scored better from the same starting run and took this one's
    /// place (so this attempt is no longer <see cref="Kept"/>); null otherwise.</summary>
    public string? ReplacedBy { get; init; }

    /// <summary>"kept", "undone", or "replaced by" the fix that took its place, as the reports print it.</summary>
    public string Outcome => Kept ? "kept" : ReplacedBy is { } better ? $"replaced by {better}" : "undone";
}

/// <summary>The numbers of one training run, as reported before and after a repair.</summary>
public sealed record RunSummary(double Loss, double? Accuracy, double? ValLoss, double? ValAccuracy,
    string Verdict, IReadOnlyList<string> Findings, double Seconds)
{
    /// <remarks>With several outputs the losses are the sums of the outputs' own losses, unweighted, as the score reads
    /// them: a repair may change the loss weights.</remarks>
    public static RunSummary Of(ExperimentResult r) => new(
        r.ComparableLoss(validation: false), r.Accuracy,
        r.Final.ContainsKey("val_loss") ? r.ComparableLoss(validation: true) : null,
        r.Final.TryGetValue("val_accuracy", out var va) ? va : null,
        r.Diagnosis.Verdict, r.Diagnosis.ProblemCodes, r.Seconds);

    /// <summary>A run that could not start or finish: no numbers (loss NaN) and a verdict that says why.</summary>
    public static RunSummary Failed(string error, double seconds) => new(double.NaN, null, null, null, "failed: " + error, [], seconds);
}

/// <summary>The result of <see cref="TrainingDoctor.Repair"/>: the original run, every attempt, and the best run found.</summary>
public sealed record RepairReport(ExperimentResult Original, IReadOnlyList<RepairAttempt> Attempts, ExperimentResult Best)
{
    /// <summary>The kept fixes, each once in the order first kept; a fix kept again (a second learning-rate decade) shows
    /// in <see cref="AppliedChanges"/>.</summary>
    public IReadOnlyList<string> AppliedFixes => Attempts.Where(a => a.Kept).Select(a => a.Fix).Distinct().ToList();

    /// <summary>Each kept attempt's configuration change, in order.</summary>
    public IReadOnlyList<string> AppliedChanges => Attempts.Where(a => a.Kept).Select(a => a.Change).ToList();

    /// <summary>Repaired: the original run had an error or a warning, the best run scores at least as well (validation
    /// accuracy often ties at 100% on easy data, so "better" would miss real repairs) and has neither, or, after a kept
    /// fix, only warnings the repair tried to fix on it with no gain (<see cref="UnconfirmedOnBest"/>: no cost measured,
    /// an observation for this model).</summary>
    public bool Succeeded => !NothingToRepair && Best.Score >= Original.Score
        && (Best.Diagnosis.ProblemCodes.Count == 0
            || (Attempts.Any(a => a.Kept) && Best.Diagnosis.Findings.Where(f => f.Severity >= Severity.Warning).All(UnconfirmedOnBest)));

    /// <summary>The original run had no error or warning: no fix was tried, and none was needed.</summary>
    public bool NothingToRepair => Original.Diagnosis.ProblemCodes.Count == 0;

    /// <summary>The score gained by the kept fixes: for a warning, the measured cost of leaving it.</summary>
    public double ScoreGain => Best.Score - Original.Score;

    /// <summary>What each warning or error of the original run costs, as measured: for every finding one of whose fixes
    /// was kept, the run before the first such attempt against the run after it, or after the last of its repeats kept
    /// with no other fix kept between them (a learning rate found too low over several decades); once per code (the same
    /// problem in two layers costs the same).</summary>
    public IReadOnlyList<MeasuredCost> MeasuredCosts =>
        Original.Diagnosis.Findings.Where(f => f.Severity >= Severity.Warning)
            .Select(f => (f, first: IndexOfFirstKept(f)))
            .Where(p => p.first >= 0)
            .Select(p => MeasuredCost.Of(p.f.Code, Attempts[p.first] with { After = LastKeptRepeat(p.first).After }))
            .DistinctBy(c => c.Finding)
            .ToList();

    /// <summary>The warnings of the original run whose fixes were tried and none kept: no cost was measured, since
    /// no fix the repair tried made this model better (a warning then reads as an observation for this model). Each
    /// with the fixes tried, once per code.</summary>
    public IReadOnlyList<(string Finding, IReadOnlyList<string> FixesTried)> UnconfirmedWarnings =>
        Original.Diagnosis.Findings.Where(f => f.Severity == Severity.Warning && IndexOfFirstKept(f) < 0)
            .Select(f => (f.Code, FixesTried(f, Attempts)))
            .Concat(Best.Diagnosis.Findings.Where(UnconfirmedOnBest).Select(f => (f.Code, FixesTried(f, AttemptsOnBest))))
            .Where(p => p.Item2.Count > 0)
            .DistinctBy(p => p.Code)
            .ToList();

    /// <summary>A warning of the best run that the repair tried to fix from that run (an attempt after the last kept one)
    /// with none of its fixes kept.</summary>
    private bool UnconfirmedOnBest(Finding f) => f.Severity == Severity.Warning && FixesTried(f, AttemptsOnBest).Count > 0;

    /// <summary>The attempts made from the best run: those after the last kept one (none of them kept).</summary>
    private IEnumerable<RepairAttempt> AttemptsOnBest => Attempts.Skip(Attempts.ToList().FindLastIndex(a => a.Kept) + 1);

    private static IReadOnlyList<string> FixesTried(Finding f, IEnumerable<RepairAttempt> attempts) =>
        attempts.Where(a => f.Fixes.Any(x => x.Code == a.Fix)).Select(a => a.Fix).Distinct().ToList();

    /// <summary>One line per measured cost and per unconfirmed warning, as the CLI prints them.</summary>
    public IEnumerable<string> CostLines =>
        MeasuredCosts.Select(c => $"measured cost of {c.Finding}: {c.Sentence}.")
            .Concat(UnconfirmedWarnings.Select(u => $"no measured cost of {u.Finding}: {string.Join(", ", u.FixesTried)} tried, none made this model better."));

    private int IndexOfFirstKept(Finding f)
    {
        for (int i = 0; i < Attempts.Count; i++)
            if (Attempts[i].Kept && f.Fixes.Any(x => x.Code == Attempts[i].Fix)) return i;
        return -1;
    }

    private RepairAttempt LastKeptRepeat(int first)
    {
        var last = Attempts[first];
        foreach (var a in Attempts.Skip(first + 1).Where(a => a.Kept))
        {
            if (a.Fix != last.Fix) break;
            last = a;
        }
        return last;
    }
}

/// <summary>The measured cost of leaving a finding: the score its kept fix brought, in words a user reads as
/// "this model would reach about X% more with ...".</summary>
public sealed record MeasuredCost(string Finding, string Fix, string Sentence)
{
    public static MeasuredCost Of(string finding, RepairAttempt a)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string sentence;
        if ((a.Before.ValAccuracy ?? a.Before.Accuracy) is double before && (a.After.ValAccuracy ?? a.After.Accuracy) is double after)
        {
            string which = a.Before.ValAccuracy is null ? "accuracy" : "validation accuracy";
            sentence = string.Create(inv, $"this model would reach about {100 * (after - before):0.#} points more {which} ({100 * before:0.0}% -> {100 * after:0.0}%) with {a.Fix}");
        }
        else
        {
            double lossBefore = a.Before.ValLoss ?? a.Before.Loss, lossAfter = a.After.ValLoss ?? a.After.Loss;
            string which = a.Before.ValLoss is null ? "loss" : "validation loss";
            // A diverged run has no finite loss to take a percentage of: the fix makes it finite.
            sentence = double.IsFinite(lossBefore) || !double.IsFinite(lossAfter)
                ? string.Create(inv, $"this model's {which} would be about {100 * (lossBefore - lossAfter) / Math.Abs(lossBefore):0.#}% lower ({lossBefore:G4} -> {lossAfter:G4}) with {a.Fix}")
                : string.Create(inv, $"this model's {which} would be finite ({lossBefore:G4} -> {lossAfter:G4}) with {a.Fix}");
        }
        return new MeasuredCost(finding, a.Fix, sentence);
    }
}

/// <summary>Repair budget.</summary>
public sealed class RepairOptions
{
    /// <summary>Retrainings allowed (each from scratch under the same seed).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>Epochs per retraining; null keeps the experiment's own.</summary>
    public int? EpochsPerAttempt { get; init; }

    public DoctorOptions Doctor { get; init; } = new();
}
