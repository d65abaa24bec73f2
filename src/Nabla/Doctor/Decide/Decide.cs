namespace Nabla.Doctor;

/// <summary>
/// The decide step: turns the detectors' raw findings into the verdict's findings. It sets each finding's severity
/// from whether the run learned, names one primary cause, and marks the other findings as its consequences
/// (<see cref="Finding.CausedBy"/>) or as independent problems (null).
/// </summary>
internal static class Decide
{
    /// <param name="learned">Whether the run learned; null before training (pre-flight), when only blocking problems are errors.</param>
    public static (List<Finding> findings, string? primary) Run(IEnumerable<Detection> detections, bool? learned)
    {
        var findings = detections.Select(d => Gate(d, learned))
            .GroupBy(f => (f.Code, f.Layer))
            .Select(g => g.MaxBy(f => f.Severity)!)
            .ToList();
        EscalateCauses(findings);
        var primary = RootOf(findings, Severity.Error) ?? RootOf(findings, Severity.Warning);
        var causes = findings.Where(f => f.Severity >= Severity.Warning).OrderBy(f => CausalGraph.Rank(f.Code)).ToList();
        return (findings.Select(f => WithCause(f, CauseOf(f, primary, causes), findings)).ToList(), primary?.Code);
    }

    /// <summary>A consequence keeps only the fixes that agree with its cause's: a plateau that a rate too high causes is not
    /// told to raise the rate, which its cause's own fix lowers.</summary>
    private static Finding WithCause(Finding f, string? cause, List<Finding> findings)
    {
        if (cause is null) return f;
        var causeFixes = findings.Where(c => c.Code == cause).SelectMany(c => c.Fixes).Select(x => x.Code).ToHashSet();
        var agreeing = f.Fixes.Where(x => Repairs.OppositeOf(x.Code) is not { } opposite || !causeFixes.Contains(opposite)).ToList();
        return f with { CausedBy = cause, Fixes = agreeing };
    }

    /// <summary>The first finding of this severity that no other of the same severity can cause. Warnings have a root too:
    /// a run that learns, but worse than it could, has a reason.</summary>
    private static Finding? RootOf(List<Finding> findings, Severity severity)
    {
        var level = findings.Where(f => f.Severity == severity).ToList();
        return level
            .Where(e => !level.Any(other => other.Code != e.Code && CausalGraph.CanCause(other.Code, e.Code)))
            .OrderBy(e => CausalGraph.Rank(e.Code))
            .FirstOrDefault();
    }

    /// <summary>Blocking problems keep their severity. Others keep what the detector gave when the run did not learn,
    /// drop to their floor when it learned (symptoms of a run that reached its goal are observations unless the
    /// detector says they cost something), and are at most warnings before training, when nothing has been learned yet.</summary>
    private static Finding Gate(Detection d, bool? learned)
    {
        var f = d.Finding;
        if (d.IsBlocking) return f;
        var severity = learned switch
        {
            false => f.Severity,
            true => d.Floor,
            null => f.Severity > Severity.Warning ? Severity.Warning : f.Severity,
        };
        return f with { Severity = severity };
    }

    /// <summary>A finding that can cause an error or a warning present in the same run takes that severity: raw inputs
    /// that drive a layer into saturation carry that saturation's cost, whether it stops the run (an error) or leaves it
    /// learning worse than it could (a warning). A stalled loss is not enough: every problem can end there. Repeated
    /// until nothing changes, so a cause of a cause is raised too.</summary>
    private static void EscalateCauses(List<Finding> findings)
    {
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < findings.Count; i++)
            {
                var f = findings[i];
                var raised = findings
                    .Where(e => e.Severity >= Severity.Warning && e.Severity > f.Severity && e.Code != FindingCodes.LossPlateau
                        && CausalGraph.CanCause(f.Code, e.Code))
                    .Select(e => e.Severity)
                    .DefaultIfEmpty(f.Severity)
                    .Max();
                if (raised == f.Severity) continue;
                findings[i] = f with { Severity = raised };
                changed = true;
            }
        }
    }

    /// <summary>The primary cause if it explains <paramref name="f"/>, else the first other warning or error (causes first) that can.</summary>
    private static string? CauseOf(Finding f, Finding? primary, List<Finding> causes)
    {
        if (ReferenceEquals(f, primary) || f.Code == primary?.Code) return null;
        if (primary is not null && CausalGraph.CanCause(primary.Code, f.Code)) return primary.Code;
        return causes.FirstOrDefault(c => c.Code != f.Code && CausalGraph.CanCause(c.Code, f.Code))?.Code;
    }
}
