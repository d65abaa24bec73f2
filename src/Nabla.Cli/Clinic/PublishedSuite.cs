using System.Globalization;
using Nabla.Configuration;

namespace Nabla.Cli.Clinic;

/// <summary>
/// A suite of published programs (tests/Clinic/published): its split.json names a tuning half and an evaluation half,
/// fixed by a seed; each half is scored on its own: detection, root-cause accuracy (the benchmark's root cause is the
/// doctor's primary cause), false alarms on the fixed programs, and repair success.
/// </summary>
internal static class PublishedSuite
{
    public const string SplitFile = "split.json";

    public sealed record Split(int Seed, IReadOnlyList<string> Tuning, IReadOnlyList<string> Evaluation);

    public static Split? Read(string directory)
    {
        string path = Path.Combine(directory, SplitFile);
        if (!File.Exists(path)) return null;
        var root = Config.Parse(File.ReadAllText(path));
        List<string> Names(string key) => root.TryGet(key, out var v) && v is List<object?> list
            ? list.Select(n => n as string ?? throw new FormatException($"{path}: '{key}' must list case names.")).ToList()
            : throw new FormatException($"{path}: field '{key}' must be a list of case names; found nothing.");
        return new Split(root.GetInt("seed"), Names("tuning"), Names("evaluation"));
    }

    /// <summary>Which case names a run keeps: all of them without <paramref name="half"/>, else those the folder's
    /// split.json puts in that half ("tuning" or "evaluation"), so thresholds can be tuned without running the other.</summary>
    public static Func<string, bool> HalfFilter(string directory, string? half)
    {
        if (half is null) return _ => true;
        var split = Read(directory) ?? throw new ArgumentException($"--half needs a published suite: '{directory}' has no {SplitFile}.");
        var names = half switch
        {
            "tuning" => split.Tuning,
            "evaluation" => split.Evaluation,
            _ => throw new ArgumentException($"--half must be 'tuning' or 'evaluation', found '{half}'."),
        };
        return names.Contains;
    }

    /// <summary>Prints each half's scores; every case must belong to exactly one half.</summary>
    public static void PrintHalves(Split split, IReadOnlyList<SuiteRunner.CaseResult> results, TextWriter o)
    {
        var unassigned = results.Where(r => !split.Tuning.Contains(r.Name) && !split.Evaluation.Contains(r.Name)).Select(r => r.Name).ToList();
        if (unassigned.Count > 0)
            throw new FormatException($"{SplitFile}: case(s) {string.Join(", ", unassigned)} are in neither half.");
        o.WriteLine();
        o.WriteLine($"| half (seed {split.Seed}) | faulty | fixed | fault shown by the data | detection | root cause = primary_cause | false alarms on fixed | repair success |");
        o.WriteLine("|---|---|---|---|---|---|---|---|");
        var halves = new[] { ("tuning", split.Tuning), ("evaluation", split.Evaluation) };
        foreach (var (half, names) in halves)
            if (results.Where(r => names.Contains(r.Name)).ToList() is { Count: > 0 } cases) Row(half, cases, results, o);
        o.WriteLine();
        o.WriteLine($"A fault is shown by the data when the buggy program's own run scores below its fixed program's run " +
            $"(accuracy lower by {AccuracyMargin:0.00} or more, or the same loss over the same targets {LossMargin:0.00}x or more), so that training can reveal it; " +
            "\"shown\" figures count only those faults, the others (and those whose scores do not compare) count every one.");
        foreach (var (half, names) in halves)
            foreach (var c in results.Where(r => names.Contains(r.Name) && !r.ExpectedHealthy))
                if (FixedOf(c, results) is { } fix && Shown(c, fix) == false)
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {half}: {c.Name} not shown: {Describe(c)} against {fix.Name}'s {Describe(fix)}"));
    }

    /// <summary>An accuracy this much below the fixed program's is more than the noise of a few validation samples
    /// (one sample in 200 is 0.005).</summary>
    public const double AccuracyMargin = 0.01;

    /// <summary>A loss this many times the fixed program's (same loss function) is more than run-to-run noise.</summary>
    public const double LossMargin = 1.05;

    /// <summary>The fixed program of a buggy case: the healthy case whose name, without "-fixed", is the longest prefix of the
    /// buggy case's name (an AUTOTRAINER architecture's fixed file serves every fault injected into it).</summary>
    public static SuiteRunner.CaseResult? FixedOf(SuiteRunner.CaseResult buggy, IReadOnlyList<SuiteRunner.CaseResult> all) =>
        all.Where(c => c.ExpectedHealthy && c.Name.EndsWith("-fixed", StringComparison.Ordinal))
            .Where(c => buggy.Name.StartsWith(c.Name[..^"fixed".Length], StringComparison.Ordinal))
            .MaxBy(c => c.Name.Length);

    /// <summary>Whether the buggy run scores measurably below its fixed program's; null when the two scores do not compare
    /// (different loss functions, losses over different targets, such as targets the fix scales otherwise, no score).
    /// Accuracies compare across data: the fix of a program may change its data (more images), not its task.</summary>
    public static bool? Shown(SuiteRunner.CaseResult buggy, SuiteRunner.CaseResult fix)
    {
        if (buggy.ScoreKind != fix.ScoreKind || !double.IsFinite(fix.Score)) return null;
        if (buggy.ScoreKind != "accuracy" && buggy.TargetsFingerprint != fix.TargetsFingerprint) return null;
        if (!double.IsFinite(buggy.Score)) return true;
        return buggy.ScoreKind == "accuracy"
            ? buggy.Score <= fix.Score - AccuracyMargin
            : -buggy.Score >= -fix.Score * LossMargin;
    }

    private static string Describe(SuiteRunner.CaseResult c) =>
        c.ScoreKind == "accuracy" ? FormattableString.Invariant($"accuracy {c.Score:0.000}") : FormattableString.Invariant($"{c.ScoreKind[5..]} {-c.Score:G4}");

    /// <summary>A half's counts: its faults (and those the data shows), detected ones, root causes named right among the
    /// faults whose benchmark names one, fixed programs and their alarms, and repairs tried and succeeded.</summary>
    public sealed record HalfScore(int Faulty, int Shown, int Detected, int DetectedShown, int Labelled, int RootCauses,
        int Fixed, int FalseAlarms, int RepairsTried, int Repaired, int RepairsTriedShown, int RepairedShown);

    /// <summary>The counts of <paramref name="cases"/>; <paramref name="all"/> holds the fixed programs they are compared with.</summary>
    public static HalfScore Score(IReadOnlyList<SuiteRunner.CaseResult> cases, IReadOnlyList<SuiteRunner.CaseResult> all)
    {
        var faulty = cases.Where(c => !c.ExpectedHealthy).ToList();
        var shown = faulty.Where(c => FixedOf(c, all) is not { } fix || Shown(c, fix) != false).ToList();
        var fixedOnes = cases.Where(c => c.ExpectedHealthy).ToList();
        var labelled = faulty.Where(c => c.ExpectedPrimary is not null).ToList();
        return new HalfScore(faulty.Count, shown.Count, faulty.Count(c => c.Detected), shown.Count(c => c.Detected),
            labelled.Count, labelled.Count(c => c.Primary == c.ExpectedPrimary), fixedOnes.Count, fixedOnes.Count(c => c.FalsePositive),
            faulty.Count(c => c.Repaired is not null), faulty.Count(c => c.Repaired == true),
            shown.Count(c => c.Repaired is not null), shown.Count(c => c.Repaired == true));
    }

    private static void Row(string half, List<SuiteRunner.CaseResult> cases, IReadOnlyList<SuiteRunner.CaseResult> all, TextWriter o)
    {
        var s = Score(cases, all);
        string BothWays(string every, string ofShown) => s.Shown == s.Faulty ? every : $"{every}; {ofShown} of shown";
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {half} | {s.Faulty} | {s.Fixed} | {s.Shown}/{s.Faulty} | " +
            $"{BothWays(Rate(s.Detected, s.Faulty), Rate(s.DetectedShown, s.Shown))} | " +
            $"{Rate(s.RootCauses, s.Labelled)} | {Rate(s.FalseAlarms, s.Fixed)} | " +
            $"{BothWays(Rate(s.Repaired, s.RepairsTried), Rate(s.RepairedShown, s.RepairsTriedShown))} |"));
    }

    public static string Rate(int hits, int total) =>
        total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{hits}/{total} ({100.0 * hits / total:0}%)");
}
