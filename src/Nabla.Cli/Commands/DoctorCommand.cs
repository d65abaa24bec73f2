using System.CommandLine;
using System.Runtime.InteropServices;
using Nabla.Doctor;
using Nabla.Reports;
using Nabla.Configuration;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla doctor EXPERIMENT.json [--repair] [--json OUT.json] [--report DIR] [--quiet]</c></summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment file (model, compile, data, fit)." };
        var repair = new Option<bool>("--repair") { Description = "Try the fixes of each error finding, retraining from scratch, and report before/after." };
        var json = new Option<string?>("--json") { Description = "Write the diagnosis as JSON to this file." };
        var report = new Option<string?>("--report") { Description = "Write findings.json, history.csv, monitors.csv and report.html (findings and charts) into this folder." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the verdict line." };
        var command = new Command("doctor", "Train an experiment under the doctor's watch and explain why it does or does not learn.")
        {
            experiment, repair, json, report, quiet,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            // Ctrl+C stops training after the current batch; the diagnosis so far is still written, marked
            // interrupted, and the exit code is 130 (128 + SIGINT) as for any interrupted command. A second
            // Ctrl+C ends the process at once.
            bool interrupted = false;
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                if (interrupted) return;
                interrupted = true;
                context.Cancel = true;
                Nabla.TrainingInterrupt.Request();
            });
            var loaded = ExperimentFile.Load(parse.GetValue(experiment)!);
            RepairReport? repaired = null;
            ExperimentResult result;
            if (parse.GetValue(repair))
            {
                repaired = TrainingDoctor.Repair(loaded);
                result = repaired.Original;
            }
            else result = ExperimentResult.Run(loaded);
            var diagnosis = result.Diagnosis;
            if (parse.GetValue(json) is string jsonPath)
                AtomicFile.WriteAllText(jsonPath, DiagnosisJson(diagnosis, repaired, interrupted));
            string? page = null;
            if (parse.GetValue(report) is string directory)
            {
                DiagnosisReport.Write(directory, diagnosis, repaired);
                if (interrupted) AtomicFile.WriteAllText(Path.Combine(directory, "findings.json"), DiagnosisJson(diagnosis, repaired, interrupted));
                page = Path.GetFullPath(Path.Combine(directory, HtmlReport.FileName));
                HtmlReport.Write(page, diagnosis, repaired, result.Model);
            }
            bool brief = parse.GetValue(quiet);
            Print(loaded, result, repaired, brief);
            if (page is not null && !brief) Console.WriteLine($"Report: {page}");
            if (!interrupted) return 0;
            Console.Error.WriteLine("nabla: interrupted: the diagnosis covers the training done before Ctrl+C.");
            return InterruptedExitCode;
        }));
        return command;
    }

    /// <summary>128 + SIGINT, the shell's code for a command ended by Ctrl+C.</summary>
    public const int InterruptedExitCode = 130;

    private static string DiagnosisJson(Diagnosis diagnosis, RepairReport? repaired, bool interrupted)
    {
        if (!interrupted) return DiagnosisReport.ToJsonString(diagnosis, repaired);
        var json = DiagnosisReport.ToJson(diagnosis, repaired);
        json["interrupted"] = true;
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static void Print(Experiment experiment, ExperimentResult result, RepairReport? repair, bool quiet)
    {
        var d = result.Diagnosis;
        Console.WriteLine($"{experiment.Name}: {d.Summary}");
        if (quiet) return;
        foreach (var line in FindingLines.Of(d.Findings)) Console.WriteLine(line);
        if (d.GradientFlow.Count > 1)
        {
            Console.WriteLine("  gradient norm per branch (median ‖∂loss/∂kernel‖, layers in topological order):");
            foreach (var line in GradientFlow.Describe(d.GradientFlow)) Console.WriteLine($"    {line}");
        }
        if (repair is null) return;
        Console.WriteLine();
        string outcome = repair.NothingToRepair ? "nothing to repair (no error or warning)" : repair.Succeeded ? "succeeded" : "did not make the model healthy";
        Console.WriteLine($"Repair: {outcome}; " +
                          $"fixes kept: {(repair.AppliedFixes.Count == 0 ? "none" : string.Join(" + ", repair.AppliedFixes))}");
        foreach (var a in repair.Attempts)
            Console.WriteLine($"  {a.Fix}: {Compare(a.Before, a.After)}, {a.After.Verdict} ({a.Outcome}); {a.Change}");
        foreach (var line in repair.CostLines) Console.WriteLine("  " + line);
    }

    private static string Pct(double? v) => v is double d ? $"{100 * d:0.0}%" : "-";

    /// <summary>Before and after, for the figures the runs have: loss (4 significant digits, so a regression's 1e-4 does
    /// not print as 0.0001), validation loss, and accuracy only where a metric measured it.</summary>
    private static string Compare(RunSummary before, RunSummary after)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var parts = new List<string> { string.Create(inv, $"loss {before.Loss:G4} -> {after.Loss:G4}") };
        if (before.ValLoss is double vb && after.ValLoss is double va) parts.Add(string.Create(inv, $"val_loss {vb:G4} -> {va:G4}"));
        if (before.Accuracy is not null || after.Accuracy is not null) parts.Add($"accuracy {Pct(before.Accuracy)} -> {Pct(after.Accuracy)}");
        if (before.ValAccuracy is not null || after.ValAccuracy is not null) parts.Add($"val_accuracy {Pct(before.ValAccuracy)} -> {Pct(after.ValAccuracy)}");
        return string.Join(", ", parts);
    }
}
