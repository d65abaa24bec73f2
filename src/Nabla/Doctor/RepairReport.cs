namespace Nabla.Doctor;

/// <summary>One tried fix: what changed and the numbers before and after.</summary>
public sealed record RepairAttempt(string Fix, string Change, RunSummary Before, RunSummary After, bool Kept);

/// <summary>The numbers of one training run, as reported before and after a repair.</summary>
public sealed record RunSummary(double Loss, double? Accuracy, double? ValLoss, double? ValAccuracy,
    string Verdict, IReadOnlyList<string> Findings, double Seconds)
{
    public static RunSummary Of(ExperimentResult r) => new(
        r.Loss, r.Accuracy,
        r.Final.TryGetValue("val_loss", out var vl) ? vl : null,
        r.Final.TryGetValue("val_accuracy", out var va) ? va : null,
        r.Diagnosis.Verdict, r.Diagnosis.ProblemCodes, r.Seconds);
}

/// <summary>The result of <see cref="TrainingDoctor.Repair"/>: the original run, every attempt, and the best run found.</summary>
public sealed record RepairReport(ExperimentResult Original, IReadOnlyList<RepairAttempt> Attempts, ExperimentResult Best)
{
    public IReadOnlyList<string> AppliedFixes => Attempts.Where(a => a.Kept).Select(a => a.Fix).ToList();

    /// <summary>Repaired: the original run was unhealthy, the best run is healthy and scores at least as
    /// well (validation accuracy often ties at 100% on easy data, so "better" would miss real repairs).</summary>
    public bool Succeeded => !Original.Diagnosis.IsHealthy && Best.Diagnosis.IsHealthy && Best.Score >= Original.Score;
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
