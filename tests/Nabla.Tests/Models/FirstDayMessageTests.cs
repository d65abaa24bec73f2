using System.Text.RegularExpressions;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Reports;

namespace Nabla.Tests.Models;

/// <summary>The small things a Keras user meets on the first day: messages, summaries, charts and report files.</summary>
public class FirstDayMessageTests
{
    [Fact]
    public void AnUnknownMetricFailsAtCompileWithTheClosestName()
    {
        var model = new Sequential(new Dense(1, inputShape: [2]));
        var error = Assert.Throws<ArgumentException>(() => model.Compile("sgd", "mse", ["mean_absolute_eror"]));
        Assert.Contains("Unknown metric 'mean_absolute_eror'. Did you mean 'mean_absolute_error'?", error.Message);
        Assert.False(model.IsCompiled);
        model.Compile("sgd", "mse", ["accuracy", "mae"]); // accuracy is resolved later, from the shapes
    }

    [Fact]
    public void UnknownNamesListEachNameOnceWithoutTheParameterSuffix()
    {
        var error = Assert.Throws<ArgumentException>(() => Nabla.Activations.Activation.Get("rleu"));
        Assert.Contains("Did you mean 'relu'?", error.Message);
        string names = error.Message[error.Message.IndexOf("names:")..];
        Assert.Single(Regex.Matches(names, @"\brelu\b", RegexOptions.IgnoreCase));
        Assert.DoesNotContain("(Parameter", error.Message);
        Assert.DoesNotContain("Did you mean", Assert.Throws<ArgumentException>(() => Nabla.Activations.Activation.Get("completely_different")).Message);
    }

    [Fact]
    public void TheCliDropsDotNetsParameterSuffix()
    {
        var error = new ArgumentException("'y' has 3 samples.", "y");
        Assert.EndsWith("(Parameter 'y')", error.Message);
        Assert.Equal("'y' has 3 samples.", Nabla.Cli.Commands.CliErrors.Message(error));
    }

    [Fact]
    public void SummaryColumnsStaySeparatedAndAnUnbuiltModelSaysSo()
    {
        var model = new Sequential(new Normalization(inputShape: [9], name: "a_rather_long_normalization_name"), new Dense(1));
        string text = model.Summary(TextWriter.Null);
        Assert.Contains(" a_rather_long_normalization_name (Normalization)  (None, 9)", text);
        var unbuilt = new Sequential(new Dense(4), new Dense(1));
        string unbuiltText = unbuilt.Summary(TextWriter.Null);
        Assert.Contains("0 (unbuilt)", unbuiltText);
        Assert.Contains("is not built yet", unbuiltText);
    }

    [Fact]
    public void AScalarShapePrintsAsAPythonOneTuple()
    {
        Assert.Equal("(None,)", Layer.Describe([]));
        Assert.Equal("(None, 1)", Layer.Describe([1]));
    }

    [Fact]
    public void AMissingFileNamesItsPath()
    {
        string path = Path.Combine(Path.GetTempPath(), "nabla-no-such-file.csv");
        var error = Assert.Throws<FileNotFoundException>(() => Nabla.Data.Csv.Read(path));
        Assert.Equal($"File '{path}' does not exist.", error.Message);
        Assert.Contains("nope.npy' does not exist (looked for ", Assert.Throws<FileNotFoundException>(() => Nabla.Data.Npy.Load("nope.npy")).Message);
        Assert.Throws<FileNotFoundException>(() => Model.Load("nope.keras"));
    }

    [Fact]
    public void ChartTicksFallOnWholeEpochs()
    {
        var history = new Dictionary<string, IReadOnlyList<double>> { ["loss"] = [0.9, 0.5, 0.4] };
        var svg = System.Xml.Linq.XDocument.Parse(ReportPlots.Loss(history)!.Svg);
        var labels = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        Assert.Contains("2", labels);
        Assert.DoesNotContain("1.5", labels);
        Assert.DoesNotContain("2.5", labels);
    }

    [Fact]
    public void FindingsJsonKeepsApostrophes()
    {
        var finding = new Finding
        {
            Code = "test", Severity = Severity.Warning, Evidence = new Dictionary<string, object>(),
            Message = "the loss doesn't fall", Fixes = [],
        };
        string json = DiagnosisReport.ToJsonString(new Diagnosis([finding], [], new Dictionary<string, IReadOnlyList<double>>()));
        Assert.Contains("the loss doesn't fall", json);
        Assert.DoesNotContain("\\u0027", json);
    }
}
