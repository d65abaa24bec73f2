namespace Nabla.Doctor;

/// <summary>The doctor's verdict, findings and the monitor series behind them.</summary>
public sealed class Diagnosis
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    public Diagnosis(IReadOnlyList<Finding> findings, IReadOnlyList<LayerSample> samples,
        IReadOnlyDictionary<string, IReadOnlyList<double>> history)
    {
        Findings = findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Epoch ?? -1).ToList();
        Samples = samples;
        History = history;
    }

    /// <summary>"unhealthy" when any finding is an error, else "healthy".</summary>
    public string Verdict => Findings.Any(f => f.Severity == Severity.Error) ? Unhealthy : Healthy;

    public bool IsHealthy => Verdict == Healthy;

    /// <summary>Errors first, then warnings, then info.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    public IReadOnlyList<LayerSample> Samples { get; }

    /// <summary>Per-epoch logs ("loss", "accuracy", "val_loss"...).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> History { get; }

    public bool Has(string code) => Findings.Any(f => f.Code == code);

    /// <summary>Codes of findings at warning level or above.</summary>
    public IReadOnlyList<string> ProblemCodes =>
        Findings.Where(f => f.Severity >= Severity.Warning).Select(f => f.Code).Distinct().ToList();
}
