using Nabla.Configuration;
using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>unscaled_targets and its repair, standardize_targets: regression targets far from unit scale, named as the cause
/// at an ordinary learning rate, and standardized by a Rescaling after the output that keeps the loss's units.</summary>
[Collection(DoctorCollection.Name)]
public class UnscaledTargetsTests
{
    private static readonly DoctorThresholds T = new();

    /// <summary>A two-layer ReLU regressor on targets about 100 units wide, at the optimizer's given rate.</summary>
    private static Experiment Regressor(string optimizer, string loss = "mse", int epochs = 6) =>
        Make([Dense(64, "relu", He, inputs: 10), Dense(64, "relu", He), Dense(1)], optimizer, loss, Regression(seed: 31, targetScale: 100),
            epochs, metrics: "[]");

    [Fact]
    public void Is_the_cause_when_sgd_at_its_default_rate_fails_on_targets_a_hundred_wide()
    {
        var d = Diagnose(Regressor(Optimizer("SGD", 0.01)));
        var f = Single(d, FindingCodes.UnscaledTargets);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(FindingCodes.UnscaledTargets, d.PrimaryCause);
        Assert.Equal(T.UnscaledTargetMagnitude, Number(f, "threshold"));
        Assert.True(Number(f, "root_mean_square") > T.UnscaledTargetMagnitude);
        // Under MSE the gradient carries the targets' scale squared.
        Assert.Equal(Number(f, "target_std") * Number(f, "target_std"), Number(f, "gradient_scale"), 0.01 * Number(f, "gradient_scale"));
        Assert.Equal(FixCodes.StandardizeTargets, f.Fixes[0].Code);
    }

    [Fact]
    public void Is_an_observation_in_preflight_before_any_training()
    {
        var e = Regressor(Optimizer("SGD", 0.01));
        var model = e.BuildModel();
        var d = TrainingDoctor.Preflight(model, e.X, e.Y);
        var f = Single(d, FindingCodes.UnscaledTargets);
        // Whether the scale costs anything shows only in training: an observation, which Fit does not print.
        Assert.Equal(Severity.Info, f.Severity);
        Assert.DoesNotContain(PreflightCheck.Warnings(model, e.X, e.Y), w => w.Contains(FindingCodes.UnscaledTargets));
        Assert.True(Number(f, "root_mean_square") > T.UnscaledTargetMagnitude);
        var scaled = HealthyRegressor(epochs: 1);
        Assert.False(TrainingDoctor.Preflight(scaled.BuildModel(), scaled.X, scaled.Y).Has(FindingCodes.UnscaledTargets));
    }

    [Fact]
    public void Is_an_observation_when_the_run_learns_anyway()
    {
        var d = Diagnose(Regressor(Optimizer("Adam", 3e-3), epochs: 30));
        Assert.True(d.IsHealthy, string.Join("; ", d.Findings));
        Assert.Equal(Severity.Info, Single(d, FindingCodes.UnscaledTargets).Severity);
    }

    [Fact]
    public void Leaves_a_rate_ten_times_off_its_default_to_the_learning_rate_findings()
    {
        var d = Diagnose(Regressor(Optimizer("Adam", 1e-6)));
        Assert.False(d.Has(FindingCodes.UnscaledTargets));
        Assert.Equal(FindingCodes.LearningRateTooLow, d.PrimaryCause);
    }

    [Fact]
    public void Is_not_measured_on_scaled_targets_or_under_other_losses()
    {
        Assert.False(Diagnose(HealthyRegressor(epochs: 2)).Has(FindingCodes.UnscaledTargets));
        Assert.False(Diagnose(Regressor(Optimizer("Adam", 1e-3), loss: "huber", epochs: 2)).Has(FindingCodes.UnscaledTargets));
    }

    [Fact]
    public void The_repair_ends_the_model_with_a_rescaling_and_divides_an_sgd_rate_by_the_variance()
    {
        var e = Regressor(Optimizer("SGD", 0.01));
        var (changed, change) = Repairs.Apply(FixCodes.StandardizeTargets, e, e.BuildModel())!.Value;
        var y = e.Y.Data;
        double mean = y.Average(v => (double)v), std = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
        var last = changed.LayerConfigs()[^1];
        Assert.Equal("Rescaling", last.GetString("class_name"));
        Assert.Equal(std, last.GetConfig("config")!.GetDouble("scale"), 1e-3 * std);
        Assert.Equal(mean, last.GetConfig("config")!.GetDouble("offset"), 1e-3 * std);
        double rate = ((Config)changed.Optimizer).GetConfig("config")!.GetDouble("learning_rate");
        Assert.Equal(0.01 / (std * std), rate, 1e-3 * rate);
        Assert.Contains("Rescaling(scale=", change);
        Assert.Equal(3, e.LayerConfigs().Count); // the original is not modified
        // The model predicts in the targets' units: the rescaled output is the layers' output times std plus the mean.
        var model = changed.BuildModel();
        Assert.Equal("Rescaling", model.Layers[^1].ClassName);
    }

    [Fact]
    public void The_repair_keeps_an_adaptive_rate_divides_an_mae_rate_by_the_deviation_and_skips_a_rescaled_model()
    {
        var adam = Regressor(Optimizer("Adam", 1e-3));
        var (keptRate, _) = Repairs.Apply(FixCodes.StandardizeTargets, adam, adam.BuildModel())!.Value;
        Assert.Equal(1e-3, ((Config)keptRate.Optimizer).GetConfig("config")!.GetDouble("learning_rate"));

        var mae = Regressor(Optimizer("SGD", 0.01), loss: "mae");
        var (changed, _) = Repairs.Apply(FixCodes.StandardizeTargets, mae, mae.BuildModel())!.Value;
        double std = changed.LayerConfigs()[^1].GetConfig("config")!.GetDouble("scale");
        Assert.Equal(0.01 / std, ((Config)changed.Optimizer).GetConfig("config")!.GetDouble("learning_rate"), 1e-6);

        Assert.Null(Repairs.Apply(FixCodes.StandardizeTargets, changed, changed.BuildModel()));
        var huber = Regressor(Optimizer("SGD", 0.01), loss: "huber");
        Assert.Null(Repairs.Apply(FixCodes.StandardizeTargets, huber, huber.BuildModel()));
    }

    [Fact]
    public void The_repair_standardizes_each_target_column_on_its_own_scale()
    {
        // Two targets from the same inputs, one in units and one in thousands: one scale for both would leave the first
        // near 0 in standardized terms, and the layers would hardly fit it.
        var e = Regressor(Optimizer("SGD", 0.01), epochs: 12);
        var y = e.Y.Data;
        var two = new float[2 * y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            two[2 * i] = y[i] / 100;
            two[2 * i + 1] = 10 * y[i] + 500;
        }
        var wide = e with
        {
            Y = Tensor.FromArray(two, y.Length, 2),
            Model = e.Model.DeepClone(),
        };
        wide.LayerConfigs()[^1].GetConfig("config")!["units"] = 2L; // the layer configs are the cloned model's own
        var (changed, change) = Repairs.Apply(FixCodes.StandardizeTargets, wide, wide.BuildModel())!.Value;
        var rescaling = changed.LayerConfigs()[^1].GetConfig("config")!;
        var scale = ((List<object?>)rescaling["scale"]!).Select(Convert.ToDouble).ToList();
        var offset = ((List<object?>)rescaling["offset"]!).Select(Convert.ToDouble).ToList();
        double Std(int c) => Math.Sqrt(Enumerable.Range(0, y.Length).Average(i => Math.Pow(two[2 * i + c] - offset[c], 2)));
        Assert.Equal(Std(0), scale[0], 1e-3 * scale[0]);
        Assert.Equal(Std(1), scale[1], 1e-3 * scale[1]);
        Assert.Equal(1000, scale[1] / scale[0], 1.0);
        Assert.Equal(two.Where((_, i) => i % 2 == 0).Average(v => (double)v), offset[0], 1e-3);
        // SGD's rate is divided by the columns' mean variance, the factor their summed squared errors keep.
        double rate = ((Config)changed.Optimizer).GetConfig("config")!.GetDouble("learning_rate");
        Assert.Equal(0.01 / ((scale[0] * scale[0] + scale[1] * scale[1]) / 2), rate, 1e-3 * rate);
        Assert.Contains("Rescaling(scale=[", change);
        Assert.Equal([2], changed.BuildModel().OutputShape!);
    }

    [Fact]
    public void The_repair_reaches_a_functional_model_with_branches_through_its_output_call()
    {
        // A residual regressor: its layer list cannot take an appended entry, so the Rescaling is applied to the output's
        // call and the model rebuilt call by call; the model stays functional and still ends in one prediction.
        var input = new Nabla.Layers.Input([10]);
        var h1 = new Nabla.Layers.Dense(32, activation: "relu", name: "h1").Apply(input);
        var h2 = new Nabla.Layers.Dense(32, activation: "relu", name: "h2").Apply(h1);
        var output = new Nabla.Layers.Dense(1, name: "prediction").Apply(new Nabla.Layers.Add().Apply(h1, h2));
        var e = Regressor(Optimizer("SGD", 0.01)) with { Model = Nabla.Serialization.KerasModelJson.ToConfig(new Model(input, output)) };
        Assert.False(e.LayersAreAChain);
        Assert.Null(ChainAsSequential.Of(e)); // a merge: no chain to edit
        var (changed, change) = Repairs.Apply(FixCodes.StandardizeTargets, e, e.BuildModel())!.Value;
        Assert.Contains("after the output's call; the functional model rebuilt call by call", change);
        Assert.False(changed.LayersAreAChain);
        var model = changed.BuildModel();
        var rescaling = Assert.IsType<Nabla.Layers.Rescaling>(model.OutputPath()![0]);
        double mean = e.Y.Data.Average(v => (double)v);
        Assert.Equal(mean, rescaling.Offset[0], 1e-3 * Math.Abs(mean));
        Assert.Equal([1], model.OutputShape!);
        double rate = ((Config)changed.Optimizer).GetConfig("config")!.GetDouble("learning_rate");
        Assert.Equal(0.01 / (rescaling.Scale[0] * rescaling.Scale[0]), rate, 1e-3 * rate);
        // Rescaled once, there is nothing more to add.
        Assert.Null(Repairs.Apply(FixCodes.StandardizeTargets, changed, model));
    }

    [Fact]
    public void The_repair_makes_the_failing_sgd_run_healthy()
    {
        var report = TrainingDoctor.Repair(Regressor(Optimizer("SGD", 0.01)), new RepairOptions { MaxAttempts = 2 });
        Assert.False(report.Original.Diagnosis.IsHealthy);
        Assert.Equal(FixCodes.StandardizeTargets, report.Attempts[0].Fix);
        Assert.True(report.Attempts[0].Kept);
        Assert.True(report.Succeeded, string.Join("; ", report.Attempts.Select(a => $"{a.Fix}: {a.After.Loss} {a.After.Verdict}")));
    }
}
