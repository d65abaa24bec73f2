using System.Globalization;

namespace Nabla.Cli.Clinic;

/// <summary>
/// <c>nabla clinic --suite DIR --draws N</c>: the same suite from N draws (seed offsets K, K + 1, ...), side by side, and
/// which cases changed their outcome between draws. A score that holds at every draw is the program's; one that
/// comes and goes is partly the draw.
/// </summary>
internal static class SuiteDraws
{
    public static void Print(IReadOnlyList<SuiteRunner.SuiteSummary> draws, int firstOffset, PublishedSuite.Split? split, TextWriter o)
    {
        var groups = Groups(draws[0].Cases, split);
        o.WriteLine();
        o.WriteLine($"Over {draws.Count} draws (fit.seed + {firstOffset} to + {firstOffset + draws.Count - 1}):");
        o.WriteLine();
        o.WriteLine("| cases | seed offset | detection | root cause = primary_cause | false alarms on fixed | repair success |");
        o.WriteLine("|---|---|---|---|---|---|");
        foreach (var (label, inGroup) in groups)
            for (int d = 0; d < draws.Count; d++)
            {
                var cases = draws[d].Cases.Where(c => inGroup(c.Name)).ToList();
                var s = PublishedSuite.Score(cases, draws[d].Cases);
                o.WriteLine($"| {label} | + {firstOffset + d} | {PublishedSuite.Rate(s.Detected, s.Faulty)} | {PublishedSuite.Rate(s.RootCauses, s.Labelled)} | " +
                    $"{PublishedSuite.Rate(s.FalseAlarms, s.Fixed)} | {PublishedSuite.Rate(s.Repaired, s.RepairsTried)} |");
            }
        foreach (var (label, inGroup) in groups)
            PrintStability(label, draws, firstOffset, inGroup, o);
    }

    /// <summary>The halves of a published suite that have cases in this run, or the whole suite as one group.</summary>
    private static List<(string label, Func<string, bool> inGroup)> Groups(IReadOnlyList<SuiteRunner.CaseResult> cases, PublishedSuite.Split? split)
    {
        if (split is null) return [("all", _ => true)];
        var halves = new List<(string, Func<string, bool>)> { ("tuning", split.Tuning.Contains), ("evaluation", split.Evaluation.Contains) };
        return halves.Where(h => cases.Any(c => h.Item2(c.Name))).ToList();
    }

    /// <summary>How many faults were found at every draw, at some and at none, and the cases whose outcome changed.</summary>
    private static void PrintStability(string label, IReadOnlyList<SuiteRunner.SuiteSummary> draws, int firstOffset,
        Func<string, bool> inGroup, TextWriter o)
    {
        var names = draws[0].Cases.Where(c => inGroup(c.Name)).Select(c => c.Name).ToList();
        var outcomes = names.ToDictionary(n => n, n => draws.Select(d => d.Cases.First(c => c.Name == n)).ToList());
        var faults = names.Where(n => !outcomes[n][0].ExpectedHealthy).ToList();
        var fixedOnes = names.Where(n => outcomes[n][0].ExpectedHealthy).ToList();
        int AtEvery(List<string> of) => of.Count(n => outcomes[n].All(Hit));
        int AtSome(List<string> of) => of.Count(n => outcomes[n].Any(Hit));
        int always = AtEvery(faults), ever = AtSome(faults);
        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: of {faults.Count} faults, {always} found at every draw, {ever - always} at some, {faults.Count - ever} at none; " +
            $"{AtSome(fixedOnes)} of {fixedOnes.Count} fixed programs alarmed at some draw, {AtEvery(fixedOnes)} at every draw."));
        foreach (var n in names)
        {
            var runs = outcomes[n];
            if (!runs.Any(Hit) || runs.All(Hit)) continue;
            var at = runs.Select((c, d) => (c, d)).Where(x => Hit(x.c)).Select(x => $"+ {firstOffset + x.d}");
            o.WriteLine($"  {n}: {(runs[0].ExpectedHealthy ? "alarmed" : "found")} at seed offset {string.Join(", ", at)} only");
        }
    }

    /// <summary>A case's outcome at one draw: a fault found, or a fixed program alarmed.</summary>
    private static bool Hit(SuiteRunner.CaseResult c) => c.ExpectedHealthy ? c.FalsePositive : c.Detected;
}
