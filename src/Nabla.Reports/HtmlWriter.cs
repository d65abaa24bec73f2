using System.Globalization;
using System.Net;

namespace Nabla.Reports;

/// <summary>
/// Streams HTML to a writer. Every piece of text goes through <see cref="Encode"/> (layer and model names
/// come from user models and may hold markup); only the report's own fixed markup is written raw.
/// </summary>
internal sealed class HtmlWriter(TextWriter output)
{
    /// <summary>Escapes &lt; &gt; &amp; " and ', so the result is safe both as element text and inside a quoted attribute.</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>Numbers as a reader wants them: 4 significant digits, invariant culture, NaN and infinity spelled out.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "∞" : "−∞")
        : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>An evidence value: numbers formatted, everything else by its invariant string form.</summary>
    public static string Value(object? value) => value switch
    {
        null => "",
        double d => Number(d),
        float f => Number(f),
        bool b => b ? "yes" : "no",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Writes trusted markup as is (the report's own tags, never user text).</summary>
    public HtmlWriter Raw(string html)
    {
        output.Write(html);
        return this;
    }

    public HtmlWriter Text(string? text) => Raw(Encode(text));

    public HtmlWriter Open(string tag, string? cssClass = null) =>
        Raw(cssClass is null ? $"<{tag}>" : $"<{tag} class=\"{Encode(cssClass)}\">");

    public HtmlWriter Close(string tag) => Raw($"</{tag}>\n");

    /// <summary>A whole element holding encoded text.</summary>
    public HtmlWriter Element(string tag, string? text, string? cssClass = null) => Open(tag, cssClass).Text(text).Close(tag);

    /// <summary>A table of encoded cells; a row's cells may carry a CSS class (e.g. to mark a threshold or a kept fix).</summary>
    public HtmlWriter Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? cssClass = null,
        Func<IReadOnlyList<string>, string?>? rowClass = null)
    {
        Open("table", cssClass).Open("thead").Open("tr");
        foreach (var header in headers) Element("th", header);
        Close("tr").Close("thead").Open("tbody");
        foreach (var row in rows)
        {
            Open("tr", rowClass?.Invoke(row));
            foreach (var cell in row) Element("td", cell);
            Close("tr");
        }
        return Close("tbody").Close("table");
    }

    /// <summary>A chart as an image whose source is the SVG itself (base64 data URI): self-contained, and unlike
    /// inline SVG, charts cannot clash over element ids or run anything.</summary>
    public HtmlWriter Chart(ReportPlots.Chart chart)
    {
        string data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(chart.Svg));
        Open("figure", "chart");
        Raw($"<img alt=\"{Encode(chart.Title)}\" width=\"{ReportPlots.Width}\" height=\"{ReportPlots.Height}\" src=\"data:image/svg+xml;base64,{data}\">\n");
        Element("figcaption", chart.Caption);
        return Close("figure");
    }
}
