namespace Nabla.Doctor;

/// <summary>The doctor's verdict, findings and the monitor series behind them.</summary>
public sealed class Diagnosis
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Unfinished = "unfinished";

    public Diagnosis(IReadOnlyList<Finding> findings, IReadOnlyList<LayerSample> samples,
        IReadOnlyDictionary<string, IReadOnlyList<double>> history, string? primaryCause = null, bool finished = true)
    {
        PrimaryCause = primaryCause;
        Findings = findings.OrderByDescending(f => f.Code == primaryCause && f.Severity >= Severity.Warning)
            .ThenByDescending(f => f.Severity).ThenBy(f => CausalGraph.Rank(f.Code)).ThenBy(f => f.Epoch ?? -1).ToList();
        Samples = samples;
        History = history;
        Finished = finished;
    }

    /// <summary>"unhealthy" when any finding is an error; "unfinished" when training stopped with an exception before
    /// its end (nothing can be said of a run that did not finish); else "healthy".</summary>
    public string Verdict => Findings.Any(f => f.Severity == Severity.Error) ? Unhealthy : Finished ? Healthy : Unfinished;

    /// <summary>The verdict in one line a person reads first: the verdict, how many errors and warnings, what a warning
    /// without an error means (the model learns, worse than it could), and the primary cause. "healthy (0 errors,
    /// 2 warnings)" reads as "nothing to fix"; "healthy, with 2 warnings" does not. A problem found in several layers
    /// counts once (<see cref="Problems"/>).</summary>
    public string Summary
    {
        get
        {
            int errors = Problems(Severity.Error), warnings = Problems(Severity.Warning);
            string counts = Verdict switch
            {
                Unhealthy => $": {Count(errors, "error")}{(warnings > 0 ? $", {Count(warnings, "warning")}" : "")}",
                Healthy when warnings > 0 => $", with {Count(warnings, "warning")}: it learns, but worse than it could",
                Unfinished => $": training stopped before its end{(warnings > 0 ? $"; {Count(warnings, "warning")} so far" : "")}",
                _ => "",
            };
            return $"{Verdict}{counts}{(PrimaryCause is null ? "" : $"; primary cause: {PrimaryCause}")}";
        }
    }

    /// <summary>The verdict with the warnings of a run without an error ("healthy, 2 warnings"), for one column of a table.</summary>
    public string ShortVerdict
    {
        get
        {
            int warnings = Problems(Severity.Warning);
            return Verdict != Unhealthy && warnings > 0 ? $"{Verdict}, {Count(warnings, "warning")}" : Verdict;
        }
    }

    /// <summary>The problems whose worst finding has this severity: one code in thirty layers (dead ReLUs throughout a
    /// deep MLP) is one problem for the reader, not thirty.</summary>
    private int Problems(Severity severity) =>
        Findings.GroupBy(f => f.Code).Count(g => g.Max(f => f.Severity) == severity);

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>False when training began but did not reach its end (Fit threw).</summary>
    public bool Finished { get; }

    /// <summary>The code of the error that explains the others (the first finding); without an error, of the warning that
    /// explains the other warnings; null when there is neither.</summary>
    public string? PrimaryCause { get; }

    public bool IsHealthy => Verdict == Healthy;

    /// <summary>The primary cause first, then errors, warnings and info, causes before their consequences.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    public IReadOnlyList<LayerSample> Samples { get; }

    /// <summary>Per-epoch logs ("loss", "accuracy", "val_loss"...).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> History { get; }

    /// <summary>Per-layer median gradient norms, per branch of the model, in topological order (<see cref="GradientFlow"/>);
    /// empty before training.</summary>
    public IReadOnlyList<GradientBranch> GradientFlow { get; init; } = [];

    /// <summary>The training loss of the run's first batch, before any update: where the loss started. NaN before
    /// training.</summary>
    public double InitialLoss { get; init; } = double.NaN;

    public bool Has(string code) => Findings.Any(f => f.Code == code);

    /// <summary>Codes of findings at warning level or above.</summary>
    public IReadOnlyList<string> ProblemCodes =>
        Findings.Where(f => f.Severity >= Severity.Warning).Select(f => f.Code).Distinct().ToList();
}
