using System.Globalization;
using Nabla.Doctor;

namespace Nabla.Cli.Clinic;

/// <summary>
/// <c>nabla clinic --suite DIR</c>: the doctor's own accuracy on labelled experiments, reported like
/// AUTOTRAINER's tables: detection rate (faulty cases whose every expected code is found at warning
/// level or above), false-positive rate (healthy cases with any warning or error), repair success rate
/// (faulty cases the repair makes healthy and better) and the mean accuracy gain of repairs.
/// </summary>
internal static class SuiteRunner
{
    public sealed record CaseResult(string Name, IReadOnlyList<string> Expected, bool ExpectedHealthy,
        IReadOnlyList<string> Found, bool Detected, bool FalsePositive, bool? Repaired, double? AccuracyGain, double Seconds)
    {
        /// <summary>The root cause the case's benchmark names (its "expect.primary_cause"), if any.</summary>
        public string? ExpectedPrimary { get; init; }

        /// <summary>The doctor's primary cause.</summary>
        public string? Primary { get; init; }

        /// <summary>The validation loss the case must end below ("expect.max_val_loss"): its own run when healthy, its
        /// repaired run when faulty. Null when the case sets none.</summary>
        public double? MaxValLoss { get; init; }

        /// <summary>The final validation loss of the case's run, and of the best repaired run (null without a repair).</summary>
        public double? ValLoss { get; init; }

        public double? RepairedValLoss { get; init; }

        /// <summary>The run's <see cref="ExperimentResult.Score"/> (the faulty case's own run, before any repair), and what it
        /// measures: "accuracy", or the loss it negates ("loss:mse"); two cases' scores compare only when these match.</summary>
        public double Score { get; init; } = double.NaN;

        public string ScoreKind { get; init; } = "";

        /// <summary>A fingerprint of the case's targets (shape and values): two losses compare only over the same targets.</summary>
        public int TargetsFingerprint { get; init; }

        /// <summary>Whether the run the target applies to ended below it; null when the case sets no target or was not repaired.</summary>
        public bool? MetTarget => MaxValLoss is not double target ? null
            : ExpectedHealthy ? ValLoss < target
            : Repaired is null ? null : RepairedValLoss < target;

        /// <summary>What the run showed, for <c>--details</c>: the evidence of each error, and each repair attempt with its numbers.</summary>
        public IReadOnlyList<string> Details { get; init; } = [];

        /// <summary>The exception the doctor's repair threw on this case (type and message), or null; such a case counts as
        /// not repaired and keeps the diagnosis of its own run.</summary>
        public string? RepairError { get; init; }
    }

    public sealed record SuiteSummary(IReadOnlyList<CaseResult> Cases)
    {
        public int Faulty => Cases.Count(c => !c.ExpectedHealthy);
        public int Healthy => Cases.Count(c => c.ExpectedHealthy);
        public double DetectionRate => Faulty == 0 ? 1 : Cases.Count(c => !c.ExpectedHealthy && c.Detected) / (double)Faulty;
        public double FalsePositiveRate => Healthy == 0 ? 0 : Cases.Count(c => c.ExpectedHealthy && c.FalsePositive) / (double)Healthy;
        public double RepairRate => Cases.Count(c => c.Repaired is not null) is int n && n > 0 ? Cases.Count(c => c.Repaired == true) / (double)n : double.NaN;
        public double MeanAccuracyGain => Cases.Where(c => c.AccuracyGain is not null).Select(c => c.AccuracyGain!.Value).DefaultIfEmpty(double.NaN).Average();

        /// <summary>Cases with a validation-loss target that applied (healthy, or faulty and repaired), and how many met it.</summary>
        public (int met, int total) Targets => (Cases.Count(c => c.MetTarget == true), Cases.Count(c => c.MetTarget is not null));
    }

    /// <summary>Runs every experiment file of <paramref name="directory"/> that <paramref name="options"/> selects, once per
    /// draw, prints a line per case and the summary tables to <paramref name="output"/>, and returns each draw's results.</summary>
    public static IReadOnlyList<SuiteSummary> Run(string directory, SuiteRunOptions options, TextWriter output)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Clinic suite folder '{directory}' does not exist.");
        if (options.Draws < 1) throw new ArgumentException($"--draws must be at least 1, found {options.Draws}.");
        if ((long)options.SeedOffset + options.Draws - 1 > int.MaxValue)
            throw new ArgumentException($"--seed-offset {options.SeedOffset} with --draws {options.Draws} runs past the largest seed offset ({int.MaxValue}).");
        var inHalf = PublishedSuite.HalfFilter(directory, options.Half);
        var files = Directory.GetFiles(directory, "*.json").Where(f => Path.GetFileName(f) != PublishedSuite.SplitFile).Order(StringComparer.Ordinal)
            .Where(f => options.Filter is null || Path.GetFileName(f).Contains(options.Filter, StringComparison.Ordinal))
            .Where(f => inHalf(Path.GetFileNameWithoutExtension(f))).ToList();
        if (files.Count == 0) throw new ArgumentException($"Clinic suite folder '{directory}' has no experiment (*.json) files.");
        var split = PublishedSuite.Read(directory);
        var draws = new List<SuiteSummary>();
        for (int draw = 0; draw < options.Draws; draw++)
        {
            int offset = options.SeedOffset + draw;
            if (options.Draws > 1) output.WriteLine($"{(draw > 0 ? "\n" : "")}Draw {draw + 1} of {options.Draws}:");
            // Each draw writes its reports apart: the same case names would overwrite the draw before.
            string? reports = options.ReportDirectory is string root && options.Draws > 1 ? Path.Combine(root, $"seed-offset-{offset}") : options.ReportDirectory;
            draws.Add(RunDraw(files, options with { SeedOffset = offset, ReportDirectory = reports }, split, output));
        }
        if (draws.Count > 1) SuiteDraws.Print(draws, options.SeedOffset, split, output);
        return draws;
    }

    private static SuiteSummary RunDraw(List<string> files, SuiteRunOptions options, PublishedSuite.Split? split, TextWriter output)
    {
        var (repair, details, reportDirectory, seedOffset) = (options.Repair, options.Details, options.ReportDirectory, options.SeedOffset);
        if (seedOffset != 0) output.WriteLine($"Every experiment runs with its fit.seed + {seedOffset}.");
        var results = new List<CaseResult>();
        foreach (var file in files)
        {
            var result = RunCase(file, repair, reportDirectory, seedOffset);
            results.Add(result);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Name,-40} {(result.ExpectedHealthy ? "healthy" : "faulty"),-8} " +
                $"{(result.ExpectedHealthy ? (result.FalsePositive ? "FALSE ALARM" : "ok") : (result.Detected ? "detected" : "MISSED")),-11} " +
                $"{(result.RepairError is not null ? "REPAIR CRASHED" : result.Repaired is bool r ? (r ? "repaired" : "NOT REPAIRED") : ""),-12} {result.Seconds,5:0.0}s  " +
                $"expected [{string.Join(", ", result.Expected)}] found [{string.Join(", ", result.Found)}]{RootCause(result)}{Target(result)}" +
                $"{(result.RepairError is null ? "" : $" (repair threw {result.RepairError})")}"));
            if (details)
                foreach (var line in result.Details) output.WriteLine("    " + line);
        }
        var summary = new SuiteSummary(results);
        if (reportDirectory is not null)
            output.WriteLine($"Reports written to {Path.GetFullPath(reportDirectory)} (findings.json, history.csv, monitors.csv per case).");
        PrintSummary(summary, output);
        if (split is not null) PublishedSuite.PrintHalves(split, results, output);
        return summary;
    }

    private static string Target(CaseResult r) => r.MaxValLoss is not double target ? ""
        : string.Create(CultureInfo.InvariantCulture, $" val_loss {r.ValLoss:G3}{(r.RepairedValLoss is double after ? $" -> {after:G3}" : "")} " +
            $"(target < {target:G3}: {(r.MetTarget switch { true => "met", false => "MISSED", null => "not applied" })})");

    private static string RootCause(CaseResult r) =>
        r.ExpectedPrimary is null ? "" : $" root cause {r.ExpectedPrimary}, primary {r.Primary ?? "none"}";

    internal static CaseResult RunCase(string file, bool repair, string? reportDirectory = null, int seedOffset = 0)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var experiment = WithSeedOffset(ExperimentFile.Load(file), seedOffset);
        var (expected, healthy) = ExperimentFile.ReadExpectation(file);
        double? maxValLoss = ExperimentFile.ReadMaxValidationLoss(file);
        if (maxValLoss is not null && !(experiment.ValidationSplit > 0))
            throw Data.DataFormatException.AtField(file, "field 'expect.max_val_loss'", "a case with validation data (data.validation_split > 0)",
                "no validation split");
        bool? repaired = null;
        double? gain = null;
        ExperimentResult result;
        RepairReport? report = null;
        string? repairError = null;
        if (repair && !healthy)
        {
            try
            {
                report = TrainingDoctor.Repair(experiment);
                result = report.Original;
                // With a target, a repair counts only when the repaired model also learned: no finding left is not enough.
                repaired = report.Succeeded && (maxValLoss is null || ValLossOf(report.Best) < maxValLoss);
                if (report.Original.Accuracy is double before && report.Best.Accuracy is double after) gain = after - before;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The doctor failing on one case is that case's result (named in its line), not the end of the suite.
                repairError = $"{e.GetType().Name}: {e.Message}";
                report = null;
                result = ExperimentResult.Run(experiment);
                repaired = false;
            }
        }
        else result = ExperimentResult.Run(experiment);
        if (reportDirectory is not null) DiagnosisReport.Write(Path.Combine(reportDirectory, experiment.Name), result.Diagnosis, report);
        var found = result.Diagnosis.ProblemCodes;
        return new CaseResult(experiment.Name, expected, healthy, found,
            Detected: !healthy && (expected.Count == 0 ? found.Count > 0 : expected.Any(found.Contains)) && (AllExpected(file) is false || expected.All(found.Contains)),
            FalsePositive: healthy && found.Count > 0,
            repaired, gain, clock.Elapsed.TotalSeconds)
        {
            ExpectedPrimary = ExperimentFile.ReadPrimaryCause(file),
            Primary = result.Diagnosis.PrimaryCause,
            MaxValLoss = maxValLoss,
            ValLoss = ValLossOf(result),
            RepairedValLoss = report is null ? null : ValLossOf(report.Best),
            Score = result.Score,
            ScoreKind = ScoreKindOf(result),
            TargetsFingerprint = Fingerprint(experiment.Y),
            Details = CaseDetails.Of(result, report),
            RepairError = repairError,
        };
    }

    internal static Experiment WithSeedOffset(Experiment experiment, int offset)
    {
        if (offset == 0) return experiment;
        long seed = (long)experiment.Seed + offset;
        if (seed is < int.MinValue or > int.MaxValue)
            throw new ArgumentException($"{experiment.Name}: fit.seed {experiment.Seed} + seed offset {offset} is outside a 32-bit seed's range.");
        return experiment with { Seed = (int)seed };
    }

    private static int Fingerprint(Tensor y)
    {
        var hash = new HashCode();
        foreach (int d in y.Shape) hash.Add(d);
        foreach (float v in y.Data) hash.Add(v);
        return hash.ToHashCode();
    }

    /// <summary>What <see cref="ExperimentResult.Score"/> measured: accuracy, or the negated loss of this loss function.</summary>
    private static string ScoreKindOf(ExperimentResult r) =>
        r.ScoredByAccuracy ? "accuracy" : "loss:" + (r.Experiment.Loss switch
        {
            string name => name,
            Configuration.Config c => c.GetString("class_name", "custom"),
            _ => "per-output",
        });

    private static double? ValLossOf(ExperimentResult r) => r.Final.TryGetValue("val_loss", out var v) ? v : null;

    /// <summary>Synthetic cases need every expected code; a published case's "expect.accepted" codes are alternatives
    /// (any one found is a detection), as benchmarks label one root cause that several codes can name.</summary>
    private static bool AllExpected(string file) => ExperimentFile.ReadAccepted(file) is null;

    public static void PrintSummary(SuiteSummary s, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine();
        o.WriteLine($"| cases | faulty | healthy | detection | false positives | repair success | mean accuracy gain |");
        o.WriteLine($"|---|---|---|---|---|---|---|");
        o.WriteLine(string.Create(inv,
            $"| {s.Cases.Count} | {s.Faulty} | {s.Healthy} | {s.DetectionRate:P1} | {s.FalsePositiveRate:P1} | " +
            $"{(double.IsNaN(s.RepairRate) ? "not run" : s.RepairRate.ToString("P1", inv))} | " +
            $"{(double.IsNaN(s.MeanAccuracyGain) ? "-" : (100 * s.MeanAccuracyGain).ToString("+0.0;-0.0", inv) + " points")} |"));
        if (s.Targets is { total: > 0 } targets)
            o.WriteLine($"\nValidation-loss targets (expect.max_val_loss; a faulty case's repaired run): {targets.met} of {targets.total} met.");
    }
}
