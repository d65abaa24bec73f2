using Nabla.Cli.Clinic;
using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>The functional cases of tests/Clinic, each run as <c>nabla clinic --suite</c> runs it, and the graph repairs
/// they rely on (prune_unreached_layers, balance_loss_weights).</summary>
[Collection(DoctorCollection.Name)]
public class FunctionalClinicTests
{
    private static readonly DoctorThresholds T = new();

    private static string Case(string name) => Path.Combine(ClinicSuiteTests.SuiteFolder(), name + ".json");

    [Theory]
    [InlineData("functional-healthy-residual-mlp")]
    [InlineData("functional-healthy-two-input")]
    [InlineData("functional-healthy-two-output")]
    public void Healthy_functional_case_raises_no_alarm(string name)
    {
        var result = SuiteRunner.RunCase(Case(name), repair: false);
        Assert.True(result.ExpectedHealthy);
        Assert.False(result.FalsePositive, $"found [{string.Join(", ", result.Found)}]");
    }

    [Theory]
    [InlineData("functional-missing-disconnected-branch", FixCodes.PruneUnreachedLayers)]
    [InlineData("functional-missing-output-without-loss", FixCodes.PruneUnreachedLayers)]
    [InlineData("functional-missing-frozen-shared-layer", FixCodes.RemoveBlockingOp)]
    [InlineData("functional-dominating-loss-1000x", FixCodes.BalanceLossWeights)]
    public void Faulty_functional_case_is_detected_and_repaired_by_its_fix(string name, string fix)
    {
        var report = TrainingDoctor.Repair(ExperimentFile.Load(Case(name)));
        var (codes, _) = ExperimentFile.ReadExpectation(Case(name));
        Assert.All(codes, c => Assert.Contains(c, report.Original.Diagnosis.ProblemCodes));
        Assert.True(report.Succeeded, string.Join("\n", report.Attempts));
        Assert.Equal([fix], report.AppliedFixes);
    }

    [Fact]
    public void Dominating_loss_names_both_outputs_and_stays_a_warning_when_the_total_loss_fell()
    {
        var result = ExperimentResult.Run(ExperimentFile.Load(Case("functional-dominating-loss-dict-sgd")));
        var f = DoctorCases.Single(result.Diagnosis, FindingCodes.DominatingLoss);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("out_a", f.Evidence["dominant_output"]);
        Assert.Equal("out_b", f.Evidence["dominated_output"]);
        Assert.Equal(0.001, DoctorCases.Number(f, "dominated_weight"), 1e-6);
        Assert.True(DoctorCases.Number(f, "ratio") >= T.DominatingLossRatio);
        Assert.Equal(T.DominatingLossRatio, DoctorCases.Number(f, "ratio_threshold"));
        Assert.Equal(FixCodes.BalanceLossWeights, Assert.Single(f.Fixes).Code);
    }

    [Fact]
    public void With_several_outputs_the_gradient_ratio_reads_the_output_with_the_largest_gradient()
    {
        // Loss weights [1000, 1]: beside the starved out_b head the shared layers' gradient is hundreds of times larger, which
        // read as exploding gradients when the ratio took the last output; beside out_a, the head that drives them, it does not.
        var result = ExperimentResult.Run(ExperimentFile.Load(Case("functional-dominating-loss-1000x")));
        Assert.Contains(FindingCodes.DominatingLoss, result.Diagnosis.ProblemCodes);
        Assert.DoesNotContain(result.Diagnosis.Findings, f => f.Code == FindingCodes.ExplodingGradients);
    }

    [Fact]
    public void Pruning_removes_the_branch_and_the_output_that_no_loss_reaches()
    {
        var e = ExperimentFile.Load(Case("functional-missing-output-without-loss"));
        var (pruned, change) = Repairs.Apply(FixCodes.PruneUnreachedLayers, e, e.BuildModel())!.Value;
        var model = pruned.BuildModel();
        Assert.Equal(["out_a"], model.OutputNames);
        Assert.DoesNotContain(model.Layers, l => l.Name is "head_b" or "out_b");
        Assert.Contains("head_b", change);
        Assert.Empty(model.FindMissingGradients());
        Assert.Null(Repairs.Apply(FixCodes.PruneUnreachedLayers, pruned, model));
    }

    [Fact]
    public void Bad_loss_weights_name_the_field()
    {
        var root = Configuration.Config.Parse(File.ReadAllText(Case("functional-healthy-two-output")));
        root.GetConfig("compile")!["loss_weights"] = "heavy";
        var error = Assert.Throws<Nabla.Data.DataFormatException>(() => ExperimentFile.Parse(root, ".", "case", "case.json"));
        Assert.Contains("field 'compile.loss_weights': expected a list of numbers ≥ 0", error.Message);
    }

    [Theory]
    [InlineData("split_x", "[12, 9]", "field 'data.split_x': expected widths adding up to the 20 column(s) of the data")]
    [InlineData("split_x", "[20, 0]", "field 'data.split_x': expected a list of integers ≥ 1")]
    [InlineData("split_y", "\"1\"", "field 'data.split_y': expected a list of integers ≥ 1")]
    public void Bad_split_widths_name_the_field(string field, string value, string expected)
    {
        var root = Configuration.Config.Parse(File.ReadAllText(Case("functional-healthy-two-input")));
        var data = root.GetConfig("data")!;
        data.Remove("split_x");
        data[field] = Configuration.Config.Parse($$"""{"v": {{value}}}""")["v"];
        var error = Assert.Throws<Nabla.Data.DataFormatException>(() => ExperimentFile.Parse(root, ".", "case", "case.json"));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Hidden_layer_repairs_leave_every_output_of_a_functional_model_alone()
    {
        var e = ExperimentFile.Load(Case("functional-healthy-two-output"));
        var layers = e.LayerConfigs();
        foreach (var name in new[] { "trunk_1", "out_a" })
            layers.Single(l => l.GetString("name", null) == name).GetConfig("config")!["activation"] = "sigmoid";
        e.SetLayerConfigs(layers);

        var (changed, _) = Repairs.Apply(FixCodes.UseReluHeInit, e, e.BuildModel())!.Value;
        string Activation(string name) =>
            changed.LayerConfigs().Single(l => l.GetString("name", null) == name).GetConfig("config")!.GetString("activation");
        Assert.Equal("relu", Activation("trunk_1"));
        Assert.Equal("sigmoid", Activation("out_a")); // an output, though listed before the last kernel layer (out_b)
    }
}
