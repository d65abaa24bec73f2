using System.Globalization;
using Nabla.Doctor;

namespace Nabla.Cli.Clinic;

/// <summary>Prints the clinic's results: a table, then each run's findings, then the repair attempts.</summary>
internal static class ClinicTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Print(IReadOnlyList<SeedClinic.Row> rows, TextWriter o)
    {
        o.WriteLine($"{"Run",-46} {"train loss",10} {"train acc",9} {"test loss",10} {"test acc",9} {"time",7}  verdict / findings");
        o.WriteLine(new string('-', 130));
        foreach (var r in rows)
        {
            var codes = r.Result.Diagnosis.ProblemCodes;
            o.WriteLine(string.Create(Inv,
                $"{r.Label,-46} {r.Result.Loss,10:0.0000} {Percent(r.Result.Accuracy),9} {r.Test["loss"],10:0.0000} " +
                $"{Percent(r.Test.TryGetValue("accuracy", out var a) ? a : null),9} {r.Result.Seconds,6:0.0}s  " +
                $"{r.Result.Diagnosis.ShortVerdict}{(codes.Count > 0 ? " (" + string.Join(", ", codes) + ")" : "")}"));
        }
        o.WriteLine();
    }

    public static void PrintFindings(SeedClinic.Row row, TextWriter o)
    {
        var findings = row.Result.Diagnosis.Findings;
        o.WriteLine($"{row.Label}: {(findings.Count == 0 ? "no findings." : "")}");
        foreach (var f in findings)
        {
            o.WriteLine($"  {Commands.FindingLines.Label(f)}{(f.Epoch is int e ? $" (epoch {e + 1})" : "")}");
            o.WriteLine($"      {f.Message}");
            o.WriteLine($"      evidence: {string.Join(", ", f.Evidence.Select(kv => $"{kv.Key}={Format(kv.Value)}"))}");
            for (int i = 0; i < f.Fixes.Count; i++) o.WriteLine($"      fix {i + 1}: {f.Fixes[i].Code}: {f.Fixes[i].Description}");
        }
        o.WriteLine();
    }

    public static void PrintRepair(RepairReport repair, TextWriter o)
    {
        o.WriteLine("Repair of Example 1 (each attempt retrains from scratch, same seed and budget):");
        o.WriteLine(string.Create(Inv, $"  before: {Summary(RunSummary.Of(repair.Original))}"));
        foreach (var a in repair.Attempts)
            o.WriteLine(string.Create(Inv, $"  try {a.Fix,-24} {a.Outcome,-6} {Summary(a.After)}   ({a.Change})"));
        o.WriteLine(string.Create(Inv, $"  after:  {Summary(RunSummary.Of(repair.Best))}"));
        o.WriteLine($"  {(repair.NothingToRepair ? "Nothing to repair" : repair.Succeeded ? "Repaired" : "Not repaired")}: fixes applied: {(repair.AppliedFixes.Count == 0 ? "none" : string.Join(" + ", repair.AppliedFixes))}.");
        foreach (var line in repair.CostLines) o.WriteLine("  " + line);
        o.WriteLine();
    }

    /// <summary>A run's scores and verdict; the codes are its warnings and errors, so a healthy run with codes has warnings.</summary>
    private static string Summary(RunSummary s)
    {
        string codes = s.Findings.Count == 0 ? ""
            : $"{(s.Verdict == Diagnosis.Unhealthy ? "" : ", with warnings")} ({string.Join(", ", s.Findings)})";
        return string.Create(Inv, $"loss {s.Loss:0.0000}, accuracy {Percent(s.Accuracy)}, {s.Verdict}{codes}");
    }

    internal static string Percent(double? v) => v is double d ? (100 * d).ToString("0.0", Inv) + "%" : "-";

    internal static string Format(object v) => v switch
    {
        double d => d.ToString("G4", Inv),
        float f => f.ToString("G4", Inv),
        _ => Convert.ToString(v, Inv) ?? "",
    };
}
