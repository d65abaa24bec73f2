using System.Text.RegularExpressions;
using Nabla.Doctor;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Doctor.Experiments;

/// <summary>docs/experiment-file.md documents exactly the fields the reader accepts (ExperimentFields).</summary>
public class ExperimentFileDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "docs", "experiment-file.md"));

    /// <summary>The first cell of each field table row: | `data.x` | ...</summary>
    private static HashSet<string> DocumentedFields() =>
        Regex.Matches(Doc, @"^\| `([a-z_.]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

    [Fact]
    public void EveryAcceptedFieldHasARow()
    {
        var missing = ExperimentFields.All().Except(DocumentedFields()).ToList();
        Assert.True(missing.Count == 0, $"docs/experiment-file.md lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryDocumentedFieldIsAccepted()
    {
        var unknown = DocumentedFields().Except(ExperimentFields.All()).ToList();
        Assert.True(unknown.Count == 0, $"docs/experiment-file.md documents fields the reader refuses: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void EveryNormalizeModeIsDocumented()
    {
        foreach (var mode in ExperimentData.NormalizeModes) Assert.Contains($"`\"{mode}\"`", Doc);
    }
}
