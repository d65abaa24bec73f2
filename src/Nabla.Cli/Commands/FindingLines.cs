using Nabla.Doctor;

namespace Nabla.Cli.Commands;

/// <summary>
/// The findings as <c>nabla doctor</c> prints them: each with its message and fixes, except that a run of findings
/// with the same code, severity, cause and fixes in several layers (one dead-ReLU finding per layer of a 35-layer
/// network) prints its first finding in full and names the other layers on one line; <c>--json</c> keeps them all.
/// </summary>
internal static class FindingLines
{
    /// <summary>Findings in a group up to this size all print in full.</summary>
    public const int PrintedInFull = 2;

    public static IEnumerable<string> Of(IReadOnlyList<Finding> findings)
    {
        for (int i = 0; i < findings.Count;)
        {
            var first = findings[i];
            int end = i + 1;
            while (end < findings.Count && SameProblem(first, findings[end])) end++;
            int count = end - i;
            foreach (var f in findings.Skip(i).Take(count > PrintedInFull ? 1 : count))
            {
                yield return $"  {Label(f)}{(f.CausedBy is null ? "" : $" (caused by {f.CausedBy})")}: {f.Message}";
                foreach (var fix in f.Fixes) yield return $"      - {fix.Code}: {fix.Description}";
            }
            if (count > PrintedInFull)
                yield return $"  [{SeverityOf(first)}] {first.Code} in {count - 1} more layers, the same fixes: " +
                             string.Join(", ", findings.Skip(i + 1).Take(count - 1).Select(f => $"'{f.Layer}'")) +
                             " (--json gives each one's numbers)";
            i = end;
        }
    }

    /// <summary>"[warning] dead_relu in 'dense_3'": how every text listing of the CLI names a finding.</summary>
    public static string Label(Finding f) => $"[{SeverityOf(f)}] {f.Code}{(f.Layer is null ? "" : $" in '{f.Layer}'")}";

    private static string SeverityOf(Finding f) => f.Severity.ToString().ToLowerInvariant();

    private static bool SameProblem(Finding a, Finding b) =>
        a.Layer is not null && b.Layer is not null && a.Code == b.Code && a.Severity == b.Severity && a.CausedBy == b.CausedBy
        && a.Fixes.Select(f => f.Code).SequenceEqual(b.Fixes.Select(f => f.Code));
}
