using Nabla.Cli.Commands;
using Nabla.Doctor;

namespace Nabla.Tests.Cli;

public class FindingLinesTests
{
    private static Finding Dead(string layer, Severity severity = Severity.Warning, string? causedBy = null) => new()
    {
        Code = FindingCodes.DeadRelu, Severity = severity, Layer = layer, CausedBy = causedBy,
        Evidence = new Dictionary<string, object>(), Message = $"units of '{layer}' are dead.",
        Fixes = [new Fix(FixCodes.UseLeakyRelu, "leaky"), new Fix(FixCodes.FixInitialization, "init")],
    };

    [Fact]
    public void A_problem_in_many_layers_prints_its_first_finding_and_names_the_other_layers()
    {
        var plateau = new Finding
        {
            Code = FindingCodes.LossPlateau, Severity = Severity.Warning, Evidence = new Dictionary<string, object>(),
            Message = "stalled.", Fixes = [],
        };
        var lines = FindingLines.Of([Dead("dense_1"), Dead("dense_2"), Dead("dense_3"), Dead("dense_4"), plateau, Dead("dense_5", Severity.Info)]).ToList();
        Assert.Equal(
        [
            "  [warning] dead_relu in 'dense_1': units of 'dense_1' are dead.",
            "      - use_leaky_relu: leaky",
            "      - fix_initialization: init",
            "  [warning] dead_relu in 3 more layers, the same fixes: 'dense_2', 'dense_3', 'dense_4' (--json gives each one's numbers)",
            "  [warning] loss_plateau: stalled.",
            "  [info] dead_relu in 'dense_5': units of 'dense_5' are dead.",
            "      - use_leaky_relu: leaky",
            "      - fix_initialization: init",
        ], lines);
    }

    [Fact]
    public void Two_layers_or_findings_that_differ_in_severity_or_cause_print_in_full()
    {
        Assert.Equal(6, FindingLines.Of([Dead("dense_1"), Dead("dense_2")]).Count());
        Assert.Equal(9, FindingLines.Of([Dead("dense_1"), Dead("dense_2", causedBy: FindingCodes.UnnormalizedInputs), Dead("dense_3", Severity.Error)]).Count());
    }
}
