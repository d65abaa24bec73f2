namespace Nabla.Doctor;

/// <summary>
/// A detector reads <see cref="Quantities"/> only (never another detector's findings) and reports what it sees.
/// The severity it gives is the one for a run that did not learn; <see cref="Decide"/> sets the final one.
/// </summary>
internal interface IDetector
{
    IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t);
}

/// <summary>A detector's raw finding. <paramref name="Floor"/> is the severity it keeps in a run that learned anyway
/// (info for a mere symptom). <paramref name="IsBlocking"/>: the problem stops learning by itself (a NaN, a cut
/// gradient, an output that cannot produce the targets), so its severity holds always, before training too.</summary>
internal sealed record Detection(Finding Finding, Severity Floor = Severity.Info, bool IsBlocking = false)
{
    public static Detection Blocking(Finding finding) => new(finding, finding.Severity, IsBlocking: true);
}
