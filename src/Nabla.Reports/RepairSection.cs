using System.Globalization;
using Nabla.Doctor;

namespace Nabla.Reports;

/// <summary>The repair part of a report entry: outcome, one row per attempt with its numbers before and
/// after, and the loss curve of the original run against the best run.</summary>
internal static class RepairSection
{
    private static readonly string[] Headers =
    [
        "#", "fix", "change", "loss before", "loss after", "accuracy before", "accuracy after",
        "val accuracy before", "val accuracy after", "verdict after", "problems after", "kept",
    ];

    /// <param name="overlay">The before/after loss chart (<see cref="ReportPlots.Of(RepairReport)"/>), if there is one.</param>
    public static void Write(HtmlWriter html, RepairReport repair, ReportPlots.Chart? overlay)
    {
        html.Element("h3", "Repair");
        html.Open("p").Text("Outcome: ")
            .Element("span", repair.Succeeded ? "repaired" : "not repaired", $"verdict {(repair.Succeeded ? Diagnosis.Healthy : Diagnosis.Unhealthy)}")
            .Text(repair.AppliedFixes.Count == 0 ? " No fix was kept." : $" Fixes kept: {string.Join(" + ", repair.AppliedFixes)}.")
            .Close("p");
        html.Table(["run", "loss", "accuracy", "val loss", "val accuracy", "verdict", "problems", "seconds"],
        [
            Summary("original", RunSummary.Of(repair.Original)),
            Summary("best", RunSummary.Of(repair.Best)),
        ]);
        if (repair.Attempts.Count == 0) html.Element("p", "No fix was tried.", "muted");
        else
        {
            html.Element("p", "Each attempt retrains from scratch under the same seed; \"before\" is the best run so far.");
            html.Table(Headers, repair.Attempts.Select(Attempt), rowClass: row => row[^1] == "yes" ? "kept" : null);
        }
        if (overlay is not null) html.Chart(overlay);
    }

    private static IReadOnlyList<string> Attempt(RepairAttempt a, int index) =>
    [
        (index + 1).ToString(CultureInfo.InvariantCulture), a.Fix, a.Change,
        HtmlWriter.Number(a.Before.Loss), HtmlWriter.Number(a.After.Loss),
        Percent(a.Before.Accuracy), Percent(a.After.Accuracy),
        Percent(a.Before.ValAccuracy), Percent(a.After.ValAccuracy),
        a.After.Verdict, Problems(a.After), a.Kept ? "yes" : a.ReplacedBy is { } better ? $"no (replaced by {better})" : "no",
    ];

    private static IReadOnlyList<string> Summary(string run, RunSummary s) =>
    [
        run, HtmlWriter.Number(s.Loss), Percent(s.Accuracy), s.ValLoss is double v ? HtmlWriter.Number(v) : "-",
        Percent(s.ValAccuracy), s.Verdict, Problems(s), s.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
    ];

    private static string Problems(RunSummary s) => s.Findings.Count == 0 ? "none" : string.Join(", ", s.Findings);

    private static string Percent(double? value) =>
        value is double d ? (100 * d).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
}
