using System.Diagnostics;
using System.Globalization;
using Nabla.Doctor;
using Nabla.Reports;

namespace Nabla.Cli.Clinic;

/// <summary>
/// <c>nabla clinic</c>: reproduces the three Keras programs of a TensorFlow question about vanishing gradients on real MNIST digits. Example 1 (sigmoid, raw pixels),
/// Examples 2 and 3 (ReLU + He, normalized), and Example 1 after the doctor's repair, each with final
/// train/test numbers, time and findings.
/// </summary>
internal static class SeedClinic
{
    public sealed record Row(string Label, ExperimentResult Result, IReadOnlyDictionary<string, double> Test, RepairReport? Repair);

    public static int Run(int epochs, string? reportDirectory, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        // Training runs on one core: the report's one-off chart start-up cost is paid on the other meanwhile.
        var chartsReady = reportDirectory is null ? Task.CompletedTask : Task.Run(ReportPlots.WarmUp);
        var data = SeedExamples.LoadRaw();
        output.WriteLine($"Nabla clinic: three Keras programs of a vanishing-gradient question on {data.XTrain.Shape[0]:N0} real MNIST digits " +
                         $"({data.XTest.Shape[0]:N0} held out), {epochs} epochs each.\n");
        var rows = new List<Row>
        {
            Train("Example 1: sigmoid, default init, raw pixels", SeedExamples.Example1(data, epochs), data),
            Train("Example 2: relu + he_uniform, normalized", SeedExamples.Example2(data, epochs), data),
            Train("Example 3: example 2 + Adam(1e-3), batch 32", SeedExamples.Example3(data, epochs), data),
        };
        var repair = TrainingDoctor.Repair(SeedExamples.Example1(data, epochs));
        rows.Add(new Row("Example 1 after the doctor's repair", repair.Best, TestMetrics(repair.Best, data, repair.Best.Experiment), repair));

        ClinicTable.Print(rows, output);
        output.WriteLine(SameHistory(rows[1].Result, rows[2].Result)
            ? "Examples 2 and 3 print the same numbers: Example 3 only writes out Keras's defaults (Adam's learning rate 0.001, fit's batch size 32), and both runs start from seed 42."
            : "Examples 2 and 3 differ, although Example 3 only writes out Keras's defaults (Adam's learning rate 0.001, fit's batch size 32) and both runs start from seed 42: training is not deterministic here.");
        output.WriteLine();
        foreach (var row in rows) ClinicTable.PrintFindings(row, output);
        ClinicTable.PrintRepair(repair, output);
        if (reportDirectory is not null)
        {
            foreach (var row in rows)
                DiagnosisReport.Write(Path.Combine(reportDirectory, Slug(row.Label)), row.Result.Diagnosis, row.Repair);
            output.WriteLine($"Reports written to {Path.GetFullPath(reportDirectory)} (findings.json, history.csv, monitors.csv per run).");
            chartsReady.Wait();
            WriteHtml(reportDirectory, rows, output);
        }
        output.WriteLine($"Total time {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s.");
        return 0;
    }

    /// <summary>Whether two runs logged the same value for every key at every epoch.</summary>
    private static bool SameHistory(ExperimentResult a, ExperimentResult b)
    {
        var (first, second) = (a.Diagnosis.History, b.Diagnosis.History);
        return first.Count == second.Count && first.All(kv => second.TryGetValue(kv.Key, out var other) && kv.Value.SequenceEqual(other));
    }

    /// <summary>One page for the whole clinic, a section per run, timed: charts must not make the clinic noticeably slower.</summary>
    private static void WriteHtml(string reportDirectory, IReadOnlyList<Row> rows, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        string page = Path.GetFullPath(Path.Combine(reportDirectory, HtmlReport.FileName));
        HtmlReport.Write(page, "Nabla clinic: a vanishing-gradient question's Keras programs",
            rows.Select(r => new ReportEntry(r.Label, r.Result.Diagnosis, r.Repair, r.Result.Model)).ToList());
        output.WriteLine($"HTML report: {page} ({clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s to write).");
    }

    private static Row Train(string label, Experiment experiment, SeedExamples.MnistData data)
    {
        var result = ExperimentResult.Run(experiment);
        return new Row(label, result, TestMetrics(result, data, experiment), null);
    }

    /// <summary>Evaluates on the held-out digits, preprocessed as the experiment's training data was.</summary>
    private static IReadOnlyDictionary<string, double> TestMetrics(ExperimentResult result, SeedExamples.MnistData data, Experiment experiment)
    {
        bool normalized = System.Numerics.Tensors.TensorPrimitives.Max(experiment.X.Data) <= 1f;
        var x = normalized ? SeedExamples.Normalize(data.XTest) : data.XTest;
        return result.Model.Evaluate(x, data.YTest);
    }

    /// <summary>"Example 1: sigmoid..." gives "example-1".</summary>
    private static string Slug(string label) =>
        string.Concat(label.Split(':')[0].ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-')).Trim('-');
}
