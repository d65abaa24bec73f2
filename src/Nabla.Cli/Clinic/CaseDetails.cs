using System.Globalization;
using Nabla.Doctor;

namespace Nabla.Cli.Clinic;

/// <summary>One clinic case as a reader checks it: each error or warning with its evidence, then each repair attempt
/// with the training and validation loss before and after (the numbers that prove a repair, not only the findings).</summary>
internal static class CaseDetails
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> Of(ExperimentResult run, RepairReport? repair)
    {
        var lines = new List<string>();
        foreach (var f in run.Diagnosis.Findings.Where(f => f.Severity >= Severity.Warning))
            lines.Add($"{Commands.FindingLines.Label(f)}: " +
                      string.Join("; ", f.Evidence.Select(kv => $"{kv.Key}={ClinicTable.Format(kv.Value)}")));
        if (repair is null) return lines;
        lines.Add($"before: {Numbers(RunSummary.Of(repair.Original))}");
        foreach (var a in repair.Attempts)
            lines.Add($"try {a.Fix} ({a.Change}): {a.Outcome}, {Numbers(a.After)}");
        lines.Add($"after:  {Numbers(RunSummary.Of(repair.Best))}");
        return lines;
    }

    private static string Numbers(RunSummary s) => string.Create(Inv,
        $"loss {s.Loss:G4}{(s.ValLoss is double v ? $", val_loss {v:G4}" : "")}" +
        $"{(s.ValAccuracy is double a ? $", val_accuracy {ClinicTable.Percent(a)}" : "")}, {s.Verdict}" +
        $"{(s.Findings.Count > 0 ? " (" + string.Join(", ", s.Findings) + ")" : "")}, {s.Seconds:0.0}s");
}
