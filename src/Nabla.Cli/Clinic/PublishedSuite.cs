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
        o.WriteLine($"| half (seed {split.Seed}) | faulty | fixed | detection | root cause = primary_cause | false alarms on fixed | repair success |");
        o.WriteLine("|---|---|---|---|---|---|---|");
        Row("tuning", results.Where(r => split.Tuning.Contains(r.Name)).ToList(), o);
        Row("evaluation", results.Where(r => split.Evaluation.Contains(r.Name)).ToList(), o);
    }

    private static void Row(string half, List<SuiteRunner.CaseResult> cases, TextWriter o)
    {
        var faulty = cases.Where(c => !c.ExpectedHealthy).ToList();
        var fixedOnes = cases.Where(c => c.ExpectedHealthy).ToList();
        var labelled = faulty.Where(c => c.ExpectedPrimary is not null).ToList();
        var repairs = faulty.Where(c => c.Repaired is not null).ToList();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {half} | {faulty.Count} | {fixedOnes.Count} | {Rate(faulty.Count(c => c.Detected), faulty.Count)} | " +
            $"{Rate(labelled.Count(c => c.Primary == c.ExpectedPrimary), labelled.Count)} | " +
            $"{Rate(fixedOnes.Count(c => c.FalsePositive), fixedOnes.Count)} | {Rate(repairs.Count(c => c.Repaired == true), repairs.Count)} |"));
    }

    private static string Rate(int hits, int total) =>
        total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{hits}/{total} ({100.0 * hits / total:0}%)");
}
