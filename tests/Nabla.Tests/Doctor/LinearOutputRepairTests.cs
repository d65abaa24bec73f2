using Nabla.Doctor;
using Nabla.Configuration;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>use_linear_output: offered for regressors whose output activation cannot reach the targets, never for
/// cross-entropy classifiers; a real config change (the last Dense made linear, Activation layers after it removed).</summary>
[Collection(DoctorCollection.Name)]
public class LinearOutputRepairTests
{
    /// <summary>A regressor with a sigmoid output, its targets rescaled to [0, 10]: out of the sigmoid's reach.</summary>
    private static Experiment SigmoidRegressorOnZeroToTen()
    {
        var e = Make([Dense(32, "relu", He, inputs: 10), Dense(1, "sigmoid")], Optimizer("Adam", 1e-2), "mse", Regression(seed: 7),
            epochs: 8, metrics: "[]");
        var y = e.Y.Data;
        float min = y.Min(), max = y.Max();
        var scaled = y.Select(v => 10 * (v - min) / (max - min)).ToArray();
        return e with { Y = Tensor.FromArray(scaled, e.Y.Shape) };
    }

    private static IReadOnlyList<string> FixesOf(Finding f) => f.Fixes.Select(x => x.Code).ToList();

    private static Config LastLayerConfig(Experiment e, string className) =>
        e.LayerConfigs().Last(l => l.GetString("class_name") == className).GetConfig("config")!;

    [Fact]
    public void Is_a_known_fix_code_with_a_description()
    {
        Assert.Contains(FixCodes.UseLinearOutput, FixCodes.All);
        Assert.Equal("use_linear_output", FixCodes.UseLinearOutput);
        Assert.Contains("linear", FixCodes.Make(FixCodes.UseLinearOutput).Description);
    }

    [Fact]
    public void Is_the_fix_for_a_sigmoid_output_on_regression_targets()
    {
        var d = Diagnose(SigmoidRegressorOnZeroToTen());
        var mismatch = Single(d, FindingCodes.LossOutputMismatch);
        Assert.InRange(Number(mismatch, "target_max"), 1.0001, 10); // measured on one batch of the [0, 10] targets
        // Continuous targets beyond [0, 1]: no cross-entropy can read them, so none is offered.
        Assert.Equal([FixCodes.UseLinearOutput], FixesOf(mismatch));
    }

    [Fact]
    public void Cross_entropy_is_not_applied_to_regression_targets()
    {
        // Targets in [0, 10] that are not class labels: a binary cross-entropy would read them as probabilities (its
        // loss goes negative), so the repair does not try it.
        var e = SigmoidRegressorOnZeroToTen();
        Assert.Null(Repairs.Apply(FixCodes.UseCrossEntropy, e, e.BuildModel()));
    }

    [Fact]
    public void Comes_after_cross_entropy_when_the_out_of_range_targets_are_class_labels()
    {
        // Labels 0..3 on one sigmoid unit with MSE: one unit per class is the likelier cure, a linear output the fallback.
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 20), Dense(1, "sigmoid")], "\"adam\"", "mse", Classification(seed: 3), epochs: 2));
        Assert.Equal([FixCodes.UseCrossEntropy, FixCodes.UseLinearOutput], FixesOf(Single(d, FindingCodes.LossOutputMismatch)));
    }

    [Fact]
    public void Is_offered_first_by_both_findings_of_a_one_unit_softmax_regressor()
    {
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 10), Dense(1, "softmax")], "\"adam\"", "mse", Regression(seed: 13),
            epochs: 3, metrics: "[]"));
        Assert.Equal(FixCodes.UseLinearOutput, Single(d, FindingCodes.LossOutputMismatch).Fixes[0].Code);
        var missing = d.Findings.Where(f => f.Code == FindingCodes.MissingGradients).ToList();
        Assert.NotEmpty(missing);
        Assert.All(missing, f => Assert.Equal(FixCodes.UseLinearOutput, f.Fixes[0].Code));
    }

    [Fact]
    public void Is_not_offered_to_a_one_unit_softmax_classifier_trained_with_cross_entropy()
    {
        var d = Diagnose(Make([Dense(16, "relu", He, inputs: 20), Dense(1, "softmax")], "\"adam\"", "binary_crossentropy",
            Classification(classes: 2, seed: 12), epochs: 2));
        var fixes = d.Findings.Where(f => f.Code is FindingCodes.LossOutputMismatch or FindingCodes.MissingGradients).SelectMany(FixesOf).ToList();
        Assert.Contains(FixCodes.UseCrossEntropy, fixes);
        Assert.DoesNotContain(FixCodes.UseLinearOutput, fixes);
    }

    [Fact]
    public void Makes_the_last_dense_layer_linear_and_leaves_the_rest()
    {
        var e = SigmoidRegressorOnZeroToTen();
        var applied = Repairs.Apply(FixCodes.UseLinearOutput, e, e.BuildModel());

        Assert.NotNull(applied);
        var (changed, change) = applied.Value;
        Assert.Equal("output sigmoid -> linear", change);
        Assert.Equal("linear", LastLayerConfig(changed, "Dense").GetString("activation"));
        Assert.Equal("relu", changed.LayerConfigs()[0].GetConfig("config")!.GetString("activation"));
        Assert.Equal("sigmoid", LastLayerConfig(e, "Dense").GetString("activation")); // the original is not modified
        var model = changed.BuildModel();
        var last = model.Layers[^1].GetConfig();
        Assert.Equal("linear", last.GetString("activation"));
        Assert.Equal(1, last.GetInt("units"));
    }

    [Fact]
    public void Removes_a_separate_output_activation_layer()
    {
        const string sigmoidLayer = """{"class_name": "Activation", "config": {"name": "squash", "activation": "sigmoid"}}""";
        var e = Make([Dense(16, "relu", He, inputs: 10), Dense(1), sigmoidLayer], "\"adam\"", "mse", Regression(seed: 4), metrics: "[]");
        var (changed, change) = Repairs.Apply(FixCodes.UseLinearOutput, e, e.BuildModel())!.Value;

        Assert.Equal("output sigmoid -> linear (removed Activation layer(s) squash)", change);
        Assert.Equal(["Dense", "Dense"], changed.LayerConfigs().Select(l => l.GetString("class_name")));
        var model = changed.BuildModel();
        Assert.Equal("linear", model.Layers[^1].GetConfig().GetString("activation"));
    }

    [Fact]
    public void Does_not_apply_to_a_linear_output_or_a_cross_entropy_loss()
    {
        var linear = HealthyRegressor(epochs: 1);
        Assert.Null(Repairs.Apply(FixCodes.UseLinearOutput, linear, linear.BuildModel()));
        var classifier = HealthyClassifier(epochs: 1);
        Assert.Null(Repairs.Apply(FixCodes.UseLinearOutput, classifier, classifier.BuildModel()));
    }

    [Fact]
    public void Repairs_a_sigmoid_regressor_on_targets_in_0_to_10()
    {
        var report = TrainingDoctor.Repair(SigmoidRegressorOnZeroToTen(), new RepairOptions { MaxAttempts = 3 });

        Assert.False(report.Original.Diagnosis.IsHealthy);
        var first = report.Attempts[0];
        Assert.Equal(FixCodes.UseLinearOutput, first.Fix);
        Assert.True(first.Kept);
        // A sigmoid output stays below 1 while the targets average about 5: MSE cannot fall under (mean - 1)^2.
        Assert.True(first.After.Loss < 0.25 * first.Before.Loss, $"loss {first.Before.Loss} -> {first.After.Loss}");
        Assert.Contains(FixCodes.UseLinearOutput, report.AppliedFixes);
        Assert.True(report.Succeeded, string.Join("; ", report.Attempts.Select(a => $"{a.Fix}: {a.After.Loss} {a.After.Verdict}")));
        Assert.Equal("linear", LastLayerConfig(report.Best.Experiment, "Dense").GetString("activation"));
    }
}
