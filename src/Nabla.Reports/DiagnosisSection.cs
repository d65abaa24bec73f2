using System.Globalization;
using Nabla.Doctor;

namespace Nabla.Reports;

/// <summary>The part of a report entry that describes one diagnosis: model, verdict, findings and charts.</summary>
internal static class DiagnosisSection
{
    public static void WriteVerdict(HtmlWriter html, Diagnosis diagnosis)
    {
        string rest = diagnosis.Summary[diagnosis.Verdict.Length..];
        html.Open("p").Raw("Verdict: ").Element("span", diagnosis.Verdict, $"verdict {diagnosis.Verdict}")
            .Text($"{rest}.").Close("p");
    }

    /// <summary>The model's summary table when the model is known, else the layers the doctor monitored;
    /// then the epochs trained and the last epoch's numbers.</summary>
    public static void WriteModel(HtmlWriter html, Model? model, Diagnosis diagnosis)
    {
        html.Element("h3", "Model");
        if (model is not null)
            html.Element("pre", model.Summary(TextWriter.Null));
        else
        {
            var layers = diagnosis.Samples.GroupBy(s => s.LayerIndex).OrderBy(g => g.Key).Select(g => g.First()).ToList();
            if (layers.Count == 0) html.Element("p", "No layer was monitored.", "muted");
            else html.Table(["#", "layer", "activation"],
                layers.Select(s => (IReadOnlyList<string>)[s.LayerIndex.ToString(CultureInfo.InvariantCulture), s.Layer, s.Activation]));
        }
        int epochs = diagnosis.History.Count == 0 ? 0 : diagnosis.History.Values.Max(v => v.Count);
        if (epochs == 0)
        {
            html.Element("p", "No training history (a pre-flight check).", "muted");
            return;
        }
        html.Element("p", $"Trained {epochs} epoch{Plural(epochs)}. Last epoch:");
        var keys = diagnosis.History.Keys.Order(StringComparer.Ordinal).ToList();
        html.Table(keys, [keys.Select(k => diagnosis.History[k] is { Count: > 0 } v ? HtmlWriter.Number(v[^1]) : "").ToList()]);
    }

    /// <summary>Findings in the diagnosis's order (errors first), each with its explanation, evidence and fixes.</summary>
    public static void WriteFindings(HtmlWriter html, Diagnosis diagnosis)
    {
        html.Element("h3", "Findings");
        if (diagnosis.Findings.Count == 0)
        {
            html.Element("p", "The doctor found nothing wrong.", "muted");
            return;
        }
        foreach (var finding in diagnosis.Findings) WriteFinding(html, finding);
    }

    private static void WriteFinding(HtmlWriter html, Finding f)
    {
        string severity = f.Severity.ToString().ToLowerInvariant();
        html.Open("div", $"finding {severity}").Open("h4")
            .Element("span", severity, "severity").Element("code", f.Code);
        if (f.Layer is not null) html.Text(" in layer ").Element("code", f.Layer);
        if (f.Epoch is int epoch) html.Text($" (first seen in epoch {epoch + 1}{(f.Step is long step ? $", step {step}" : "")})");
        html.Close("h4");
        html.Element("p", f.Message);
        if (f.Evidence.Count > 0)
            html.Table(["evidence", "value"],
                f.Evidence.Select(kv => (IReadOnlyList<string>)[kv.Key, HtmlWriter.Value(kv.Value)]),
                rowClass: row => IsThreshold(row[0]) ? "threshold" : null);
        if (f.Fixes.Count > 0)
        {
            html.Element("p", "Fixes, in the order worth trying:");
            html.Open("ol");
            foreach (var fix in f.Fixes) html.Open("li").Element("code", fix.Code).Text(": " + fix.Description).Close("li");
            html.Close("ol");
        }
        html.Close("div");
    }

    /// <summary>Evidence keys that name a limit rather than a measurement (shown in a lighter style beside the value they judge).</summary>
    private static bool IsThreshold(string key) =>
        key.Contains("threshold", StringComparison.Ordinal) || key.StartsWith("max_", StringComparison.Ordinal)
        || key.StartsWith("min_", StringComparison.Ordinal) || key.EndsWith("_margin", StringComparison.Ordinal);

    /// <summary>The diagnosis's charts (see <see cref="ReportPlots.Of(Diagnosis)"/>).</summary>
    public static void WriteCharts(HtmlWriter html, IReadOnlyList<ReportPlots.Chart> charts)
    {
        html.Element("h3", "Charts");
        if (charts.Count == 0) html.Element("p", "Nothing to chart: no history and no monitor samples.", "muted");
        foreach (var chart in charts) html.Chart(chart);
    }

    private static string Plural(int count) => count == 1 ? "" : "s";
}
