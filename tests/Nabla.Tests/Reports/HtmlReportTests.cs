using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;
using Nabla.Doctor;
using Nabla.Reports;
using Nabla.Tests.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Reports;

/// <summary>
/// The HTML report on real diagnoses: tiny networks trained a few epochs under the doctor (seeded, hence the
/// doctor's non-parallel collection).
/// </summary>
[Collection(DoctorCollection.Name)]
public sealed partial class HtmlReportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-report-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A Dense layer config with a chosen name (layer names come from user models: anything goes).</summary>
    private static string Named(string name, string denseJson) =>
        denseJson.Replace("\"units\"", $"\"name\": {System.Text.Json.JsonSerializer.Serialize(name)}, \"units\"");

    /// <summary>The seed's failing pattern in miniature: sigmoid hidden layers on unscaled inputs.</summary>
    private static Experiment SigmoidOnRawInputs(string firstLayerName = "hidden_1", int epochs = 4) => Make(
        [Named(firstLayerName, Dense(16, "sigmoid", inputs: 20)), Dense(16, "sigmoid"), Dense(4, "softmax")],
        Optimizer("SGD", 0.01), "sparse_categorical_crossentropy", Classification(samples: 600, seed: 23, scale: 200), epochs);

    [GeneratedRegex("<img alt=\"([^\"]*)\"[^>]*src=\"data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex ChartImage();

    /// <summary>Each embedded chart: its title and its SVG document (parsed, so it must be well-formed XML).</summary>
    private static List<(string title, XDocument svg)> Charts(string html) =>
        ChartImage().Matches(html)
            .Select(m => (System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), XDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[2].Value)))))
            .ToList();

    private string WriteReport(Diagnosis diagnosis, RepairReport? repair = null, Model? model = null)
    {
        string path = Path.Combine(folder, HtmlReport.FileName);
        HtmlReport.Write(path, diagnosis, repair, model);
        return File.ReadAllText(path);
    }

    [Fact]
    public void Report_of_a_trained_sigmoid_network_holds_every_finding_and_one_chart_per_plot()
    {
        var result = ExperimentResult.Run(SigmoidOnRawInputs());
        var diagnosis = result.Diagnosis;
        Assert.NotEmpty(diagnosis.Findings);

        string html = WriteReport(diagnosis, model: result.Model);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains($"verdict {diagnosis.Verdict}", html);
        foreach (var f in diagnosis.Findings)
        {
            Assert.Contains($"<code>{f.Code}</code>", html);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(f.Message), html);
            foreach (var fix in f.Fixes) Assert.Contains($"<code>{fix.Code}</code>", html);
        }
        // Findings appear in the diagnosis's order (errors first).
        var positions = diagnosis.Findings.Select(f => html.IndexOf(System.Net.WebUtility.HtmlEncode(f.Message), StringComparison.Ordinal)).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(result.Model.Summary(TextWriter.Null)), html);

        var charts = Charts(html);
        var titles = charts.Select(c => c.title).ToList();
        output.WriteLine(string.Join(" | ", titles));
        // Sigmoid/softmax layers: saturation applies, dead ReLU units do not; accuracy was compiled and validated.
        Assert.Equal(["Loss per epoch", "accuracy per epoch", "Gradient norm by layer, per branch", "Gradient norm per layer", "Saturated activations per layer",
            "Update/weight ratio per layer"], titles);
        Assert.Equal(Regex.Matches(html, "<figure class=\"chart\">").Count, Regex.Matches(html, "<img ").Count);
        foreach (var (title, svg) in charts) Assert.Equal("svg", svg.Root!.Name.LocalName);
        // The vanishing/exploding picture: one legend entry per monitored layer.
        string gradients = charts.Single(c => c.title == "Gradient norm per layer").svg.ToString();
        foreach (var layer in diagnosis.Samples.Select(s => s.Layer).Distinct())
            Assert.Contains(layer, gradients);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", ""));
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void A_layer_named_script_is_escaped_in_the_page_and_in_the_charts()
    {
        const string hostile = "<script>alert('x')</script>";
        var result = ExperimentResult.Run(SigmoidOnRawInputs(firstLayerName: hostile, epochs: 2));
        Assert.Contains(result.Diagnosis.Samples, s => s.Layer == hostile);

        string html = WriteReport(result.Diagnosis, model: result.Model);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html);
        // Inside the SVG the name is XML text: the chart parses and its legend reads the name back.
        var gradients = Charts(html).Single(c => c.title == "Gradient norm per layer").svg;
        Assert.Contains(gradients.Descendants().Select(e => e.Value), v => v.Contains(hostile));
    }

    /// <summary>An evidence value that fails while the report is being written, after part of the page is out.</summary>
    private sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("evidence cannot be printed");
    }

    [Fact]
    public void A_failed_write_leaves_the_previous_report_whole_and_no_partial_file()
    {
        var result = ExperimentResult.Run(SigmoidOnRawInputs(epochs: 2));
        string path = Path.Combine(folder, HtmlReport.FileName);
        HtmlReport.Write(path, result.Diagnosis);
        string previous = File.ReadAllText(path);

        var broken = new Finding
        {
            Code = FindingCodes.NanLoss, Severity = Severity.Error, Message = "broken evidence",
            Evidence = new Dictionary<string, object> { ["value"] = new Unprintable() }, Fixes = [],
        };
        var failing = new Diagnosis([.. result.Diagnosis.Findings, broken], result.Diagnosis.Samples, result.Diagnosis.History);
        var error = Assert.Throws<InvalidOperationException>(() => HtmlReport.Write(path, failing));
        Assert.Equal("evidence cannot be printed", error.Message);

        Assert.Equal(previous, File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));

        string fresh = Path.Combine(folder, "fresh.html");
        Assert.Throws<InvalidOperationException>(() => HtmlReport.Write(fresh, failing));
        Assert.False(File.Exists(fresh));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void A_repair_adds_the_attempt_table_and_the_before_after_loss_overlay()
    {
        var repair = TrainingDoctor.Repair(SigmoidOnRawInputs(epochs: 3), new RepairOptions { MaxAttempts = 2 });
        Assert.NotEmpty(repair.Attempts);

        string html = WriteReport(repair.Original.Diagnosis, repair);

        foreach (var a in repair.Attempts)
        {
            Assert.Contains($"<td>{a.Fix}</td>", html);
            Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode(a.Change)}</td>", html);
            Assert.Matches($@"<td>{Regex.Escape(HtmlWriter.Number(a.Before.Loss))}</td>\s*<td>{Regex.Escape(HtmlWriter.Number(a.After.Loss))}</td>", html);
        }
        Assert.Equal(repair.Attempts.Count(a => a.Kept), Regex.Matches(html, "<tr class=\"kept\">").Count);
        Assert.Contains(Charts(html), c => c.title == "Loss before and after the repair");
        // Without a model argument the summary comes from the repaired experiment's own model.
        Assert.Contains(System.Net.WebUtility.HtmlEncode(repair.Original.Model.Summary(TextWriter.Null)), html);
    }

    [Fact]
    public void A_preflight_diagnosis_without_history_still_makes_a_report()
    {
        var result = ExperimentResult.Run(SigmoidOnRawInputs(epochs: 1));
        var preflight = new Diagnosis(result.Diagnosis.Findings, [], new Dictionary<string, IReadOnlyList<double>>());

        string html = WriteReport(preflight);

        Assert.Contains("No training history", html);
        Assert.Contains("No layer was monitored", html);
        Assert.Empty(Charts(html));
    }

    [Fact]
    public void A_report_needs_at_least_one_entry()
    {
        var error = Assert.Throws<ArgumentException>(() => HtmlReport.Write(Path.Combine(folder, "x.html"), "title", []));
        Assert.Equal("entries", error.ParamName);
        Assert.Empty(Directory.GetFiles(folder));
    }
}
