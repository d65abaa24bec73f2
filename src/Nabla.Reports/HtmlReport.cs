using System.Text;
using Nabla.Doctor;
using Nabla.Configuration;

namespace Nabla.Reports;

/// <summary>
/// The training doctor's report as one self-contained HTML page: verdict, findings with their evidence and
/// fixes, training and per-layer charts (SVG embedded as data URIs: no external files, scripts or network),
/// and the repair's before/after numbers. The file is written atomically: a failure leaves no partial report.
/// </summary>
public static class HtmlReport
{
    /// <summary>The report's name in a report folder (beside findings.json, history.csv, monitors.csv).</summary>
    public const string FileName = "report.html";

    public const string DefaultTitle = "Nabla training doctor report";

    /// <summary>Writes the report of one diagnosis (and its repair) to <paramref name="path"/>.</summary>
    /// <param name="model">The diagnosed model, for its summary table; without it (and without a repair, which
    /// carries its model) the report lists the monitored layers.</param>
    public static void Write(string path, Diagnosis diagnosis, RepairReport? repair = null, Model? model = null)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        Write(path, DefaultTitle, [new ReportEntry(model?.Name ?? repair?.Original.Experiment.Name ?? "Diagnosis", diagnosis, repair, model)]);
    }

    /// <summary>Writes one report holding a section per entry (e.g. one per example of <c>nabla clinic</c>).</summary>
    public static void Write(string path, string title, IReadOnlyList<ReportEntry> entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
            throw new ArgumentException($"HtmlReport.Write: 'entries' must hold at least one diagnosis, found none (report '{path}').", nameof(entries));
        // Charts first (the slow part, ~15 ms each; rendering them in parallel measured no faster on 2 busy cores),
        // so the file is open only while text is written.
        var rendered = entries
            .Select(e => new Rendered(e, ReportPlots.Of(e.Diagnosis), e.Repair is null ? null : ReportPlots.Of(e.Repair)))
            .ToList();
        AtomicFile.Write(path, stream =>
        {
            using var text = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            WriteDocument(new HtmlWriter(text), title, rendered);
        });
    }

    /// <summary>An entry with its charts rendered.</summary>
    private sealed record Rendered(ReportEntry Entry, IReadOnlyList<ReportPlots.Chart> Charts, ReportPlots.Chart? RepairChart);

    private static void WriteDocument(HtmlWriter html, string title, IReadOnlyList<Rendered> rendered)
    {
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Element("title", title)
            .Open("style").Raw(ReportStyle.Css).Close("style")
            .Raw("</head>\n<body>\n")
            .Element("h1", title);
        var entries = rendered.Select(r => r.Entry).ToList();
        int unhealthy = entries.Count(e => !e.Diagnosis.IsHealthy);
        html.Element("p", entries.Count == 1
            ? "Why this network does or does not learn: the doctor's verdict, what it found and what to try, then the curves it judged by."
            : $"{entries.Count} runs, {unhealthy} unhealthy. Each section gives the doctor's verdict, what it found and what to try, then the curves it judged by.",
            "muted");
        if (entries.Count > 1) WriteContents(html, entries);
        for (int i = 0; i < rendered.Count; i++) WriteEntry(html, rendered[i], Anchor(i));
        html.Raw("</body>\n</html>\n");
    }

    private static void WriteContents(HtmlWriter html, IReadOnlyList<ReportEntry> entries)
    {
        html.Open("nav").Open("ul");
        for (int i = 0; i < entries.Count; i++)
            html.Open("li").Raw($"<a href=\"#{Anchor(i)}\">").Text(entries[i].Title).Raw("</a> ")
                .Element("span", entries[i].Diagnosis.Verdict, $"verdict {entries[i].Diagnosis.Verdict}").Close("li");
        html.Close("ul").Close("nav");
    }

    private static void WriteEntry(HtmlWriter html, Rendered rendered, string anchor)
    {
        var entry = rendered.Entry;
        html.Raw($"<section id=\"{anchor}\">\n").Element("h2", entry.Title);
        DiagnosisSection.WriteVerdict(html, entry.Diagnosis);
        DiagnosisSection.WriteModel(html, entry.SummaryModel, entry.Diagnosis);
        DiagnosisSection.WriteFindings(html, entry.Diagnosis);
        DiagnosisSection.WriteCharts(html, rendered.Charts);
        if (entry.Repair is not null) RepairSection.Write(html, entry.Repair, rendered.RepairChart);
        html.Close("section");
    }

    /// <summary>Anchors by position: titles are user text and need not be unique or id-safe.</summary>
    private static string Anchor(int index) => $"run-{index + 1}";
}
