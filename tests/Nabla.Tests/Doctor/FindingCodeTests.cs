using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>
/// Every finding code from a crafted training run, with the evidence that triggered it checked against the
/// threshold it names. Thresholds are read from <see cref="DoctorThresholds"/>, never repeated here.
/// </summary>
[Collection(DoctorCollection.Name)]
public class FindingCodeTests
{
    private static readonly DoctorThresholds T = new();

    [Fact]
    public void All_codes_are_covered_by_this_file()
    {
        // One [Fact] per code below (dominating_loss: FunctionalClinicTests; too_few_epochs: TooFewEpochsTests; overfitting:
        // OverfittingTests; unseen_validation_classes: UnseenValidationClassesTests; unscaled_targets: UnscaledTargetsTests);
        // this guards the list against a new code without a test.
        Assert.Equal(19, FindingCodes.All.Count);
        Assert.Equal(FindingCodes.All.Count, FindingCodes.All.Distinct().Count());
    }

    [Fact]
    public void Vanishing_gradients_in_a_deep_sigmoid_stack()
    {
        var layers = new[] { Dense(32, "sigmoid", inputs: 20) }.Concat(Enumerable.Repeat(Dense(32, "sigmoid"), 7)).Append(Dense(4, "softmax")).ToArray();
        var d = Diagnose(Make(layers, Optimizer("SGD", 0.01), "sparse_categorical_crossentropy", Classification(seed: 25)));
        var f = Single(d, FindingCodes.VanishingGradients);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(T.VanishingGradientRatio, Number(f, "ratio_threshold"));
        Assert.Equal(T.VanishingFirstLayerNorm, Number(f, "norm_threshold"));
        Assert.True(Number(f, "ratio") < T.VanishingGradientRatio);
        Assert.True(Number(f, "first_layer_gradient_norm") < T.VanishingFirstLayerNorm);
        Assert.Equal(0, f.LayerIndex); // named at the first layer, where the gradient is smallest
    }

    [Fact]
    public void Nan_loss_and_exploding_gradients_on_an_overshooting_regression()
    {
        var d = Diagnose(Make([Dense(64, "relu", He, inputs: 10), Dense(64, "relu", He), Dense(1)], Optimizer("SGD", 0.05), "mse",
            Regression(seed: 27, scale: 3, targetScale: 10), metrics: "[]"));
        var nan = Single(d, FindingCodes.NanLoss);
        Assert.Equal(Severity.Error, nan.Severity);
        Assert.False(double.IsFinite(double.Parse((string)nan.Evidence["loss"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(nan.Step, Convert.ToInt64(nan.Evidence["step"]));
        var exploding = Single(d, FindingCodes.ExplodingGradients);
        Assert.Equal(T.ExplodingGradientGrowth, Number(exploding, "growth_threshold"));
        Assert.True((bool)exploding.Evidence["overflowed"] ||
                    Number(exploding, "peak_gradient_norm") > T.ExplodingGradientGrowth * Number(exploding, "first_gradient_norm"));
        Assert.Equal(FixCodes.ClipGradients, exploding.Fixes[0].Code);
    }

    [Fact]
    public void Missing_gradients_when_every_layer_is_frozen()
    {
        var d = Diagnose(Make([Dense(16, "relu", He, inputs: 20, trainable: false), Dense(4, "softmax", trainable: false)],
            "\"adam\"", "sparse_categorical_crossentropy", Classification(samples: 300), epochs: 2));
        var f = Single(d, FindingCodes.MissingGradients);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(0.0, Number(f, "trainable_weights"));
        Assert.Contains(f.Fixes, x => x.Code == FixCodes.RemoveBlockingOp);
        // No update happens because there is no gradient, not because of the learning rate.
        Assert.False(d.Has(FindingCodes.LearningRateTooLow), string.Join("; ", d.Findings));
    }

    [Fact]
    public void Missing_gradients_and_loss_output_mismatch_for_a_one_unit_softmax()
    {
        var d = Diagnose(Make([Dense(16, "relu", He, inputs: 20), Dense(1, "softmax")], "\"adam\"", "binary_crossentropy",
            Classification(classes: 2, seed: 12), epochs: 3));
        var missing = d.Findings.Where(f => f.Code == FindingCodes.MissingGradients).ToList();
        Assert.Equal(2, missing.Count); // both Dense kernels get exactly zero
        Assert.All(missing, f => Assert.Equal(0.0, Number(f, "gradient_norm")));
        var mismatch = Single(d, FindingCodes.LossOutputMismatch);
        Assert.Equal(1.0, Number(mismatch, "units"));
        Assert.Equal("softmax", mismatch.Evidence["activation"]);
    }

    [Fact]
    public void Saturated_gates_of_an_lstm_whose_biases_start_at_minus_10()
    {
        var file = Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", "saturated-gates-lstm-bias-minus10-adding20.json");
        var d = Diagnose(ExperimentFile.Load(file));
        var f = Single(d, FindingCodes.SaturatedGates);
        Assert.Equal(Severity.Error, f.Severity); // the run stays at the mean's loss
        Assert.Equal("0", f.Evidence["stuck_at"]);
        Assert.True(Number(f, "stuck_fraction") >= T.StuckGateFraction);
        Assert.Equal(T.StuckGateFraction, Number(f, "threshold"));
        // Every gate starts at sigmoid(-10): all three are named, the forget and input gates among them.
        Assert.Contains("input at 0", (string)f.Evidence["stuck_gates"]);
        Assert.Contains("forget at 0", (string)f.Evidence["stuck_gates"]);
        Assert.Equal(FindingCodes.SaturatedGates, d.PrimaryCause);
    }

    [Fact]
    public void Saturated_activations_of_tanh_on_inputs_scaled_by_200()
    {
        var d = Diagnose(Make([Dense(64, "tanh", inputs: 20), Dense(4, "softmax")], Optimizer("SGD", 0.01), "sparse_categorical_crossentropy",
            Classification(seed: 23, scale: 200)));
        var f = Single(d, FindingCodes.SaturatedActivations);
        Assert.Equal(T.SaturatedFraction, Number(f, "threshold"));
        Assert.Equal(T.SaturationPreActivation, Number(f, "preactivation_threshold"));
        Assert.True(Number(f, "saturated_fraction") > T.SevereSaturatedFraction);
        // Severe (above 90%), in a run that still reaches high accuracy: it learns, worse than it could.
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(0, f.LayerIndex);
    }

    [Fact]
    public void Dead_relu_with_a_bias_of_minus_10()
    {
        const string minus10 = """{"class_name": "Constant", "config": {"value": -10}}""";
        var d = Diagnose(Make([Dense(64, "relu", He, minus10, inputs: 20), Dense(4, "softmax")], "\"adam\"", "sparse_categorical_crossentropy",
            Classification(seed: 18)));
        var f = Single(d, FindingCodes.DeadRelu);
        Assert.Equal(T.DeadReluFraction, Number(f, "threshold"));
        Assert.Equal(1.0, Number(f, "dead_fraction"));
        Assert.Equal(Severity.Error, f.Severity);
        // The output layer's zero kernel gradient is explained by the dead units feeding it zeros: not "missing".
        Assert.False(d.Has(FindingCodes.MissingGradients), string.Join("; ", d.Findings));
    }

    [Fact]
    public void Unnormalized_inputs_scaled_by_1000()
    {
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 20), Dense(4, "softmax")], Optimizer("SGD", 0.01), "sparse_categorical_crossentropy",
            Classification(seed: 22, scale: 1000)));
        var f = Single(d, FindingCodes.UnnormalizedInputs);
        Assert.Equal(T.UnnormalizedInputMagnitude, Number(f, "threshold"));
        Assert.True(Number(f, "p99_abs_input") > T.UnnormalizedInputMagnitude);
        Assert.True(Number(f, "max_abs_input") >= Number(f, "p99_abs_input"));
        Assert.Equal(FixCodes.NormalizeInputs, f.Fixes[0].Code);
    }

    [Fact]
    public void Poor_initialization_with_stddev_10()
    {
        var d = Diagnose(Make([Dense(64, "relu", Normal(10), inputs: 20), Dense(4, "softmax")], "\"adam\"", "sparse_categorical_crossentropy",
            Classification(seed: 20), epochs: 3));
        var f = Single(d, FindingCodes.PoorInitialization);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(T.MaxWeightVariance, Number(f, "max_variance"));
        Assert.InRange(Number(f, "weight_std"), 9, 11); // drawn with stddev 10
        Assert.True(Number(f, "weight_variance") > T.MaxWeightVariance);
        Assert.Equal(Math.Sqrt(2.0 / 20), Number(f, "expected_std"), 1e-4); // He std for fan-in 20 under ReLU
    }

    [Fact]
    public void Learning_rate_too_high_with_adam_at_10()
    {
        // At 1 this classifier still learns: its crossentropy reads the softmax's logits, so no step freezes it at the clip.
        var d = Diagnose(Make([Dense(64, "relu", He, inputs: 20), Dense(64, "relu", He), Dense(4, "softmax")], Optimizer("Adam", 10.0),
            "sparse_categorical_crossentropy", Classification(seed: 15)));
        var f = Single(d, FindingCodes.LearningRateTooHigh);
        Assert.Equal(10.0, Number(f, "learning_rate"));
        Assert.Equal(T.MaxUpdateRatio, Number(f, "max_update_ratio"));
        Assert.True(Number(f, "final_loss") > Number(f, "initial_loss") || Number(f, "update_ratio") > T.MaxUpdateRatio);
        // A tenth of 10 overshoots too here, so clipping may come first (LearningRateTooHighDetector); a smaller rate is offered either way.
        Assert.Contains(FixCodes.LowerLearningRate, f.Fixes.Take(2).Select(x => x.Code));
    }

    [Fact]
    public void Learning_rate_too_low_below_the_static_floor()
    {
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 20), Dense(4, "softmax")], Optimizer("SGD", 1e-8), "sparse_categorical_crossentropy",
            Classification(seed: 16), epochs: 3));
        var f = Single(d, FindingCodes.LearningRateTooLow);
        Assert.Equal(1e-8, Number(f, "learning_rate"));
        Assert.Equal(T.MinLearningRate, Number(f, "threshold"));
    }

    [Fact]
    public void Learning_rate_too_low_from_the_update_ratio_and_a_plateau()
    {
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 10), Dense(1)], Optimizer("SGD", 1e-6), "mse", Regression(seed: 17), metrics: "[]"));
        var low = Single(d, FindingCodes.LearningRateTooLow);
        Assert.Equal(T.MinUpdateRatio, Number(low, "min_update_ratio"));
        Assert.True(Number(low, "update_ratio") < T.MinUpdateRatio);
        var plateau = Single(d, FindingCodes.LossPlateau);
        Assert.Equal(T.PlateauRelativeImprovement, Number(plateau, "threshold"));
        Assert.True(Number(plateau, "improvement") < T.PlateauRelativeImprovement);
        Assert.Equal(Math.Min(T.PlateauEpochs, 5), Number(plateau, "window_epochs"));
    }

    [Fact]
    public void Loss_plateau_at_the_uniform_guess()
    {
        // Eight sigmoid layers: the model sits at chance, its cross-entropy at ln(4).
        var layers = new[] { Dense(32, "sigmoid", inputs: 20) }.Concat(Enumerable.Repeat(Dense(32, "sigmoid"), 7)).Append(Dense(4, "softmax")).ToArray();
        var d = Diagnose(Make(layers, Optimizer("SGD", 0.01), "sparse_categorical_crossentropy", Classification(seed: 25)));
        var f = Single(d, FindingCodes.LossPlateau);
        Assert.Equal(Math.Log(4), Number(f, "uniform_guess_loss"), 1e-4);
        Assert.Equal(T.UniformGuessLossMargin, Number(f, "uniform_guess_margin"));
        Assert.True(Math.Abs(Number(f, "loss") - Number(f, "uniform_guess_loss")) <= Number(f, "uniform_guess_loss") * T.UniformGuessLossMargin ||
                    Number(f, "improvement") < T.PlateauRelativeImprovement);
    }

    [Fact]
    public void Oscillating_loss_with_sgd_08_and_batch_8()
    {
        // At 0.7 the same run sits on the edge between bouncing and dying: its loss falls every epoch while most ReLUs die.
        var d = Diagnose(Make([Dense(64, "relu", He, inputs: 20), Dense(4, "softmax")], Optimizer("SGD", 0.8), "sparse_categorical_crossentropy",
            Classification(seed: 30, noise: 1.5), epochs: 10, batchSize: 8));
        var f = Single(d, FindingCodes.OscillatingLoss);
        Assert.Equal(T.OscillationEpochFraction, Number(f, "threshold"));
        Assert.True(Number(f, "share") >= T.OscillationEpochFraction);
        Assert.Equal(Number(f, "swing_epochs") / Number(f, "epochs"), Number(f, "share"), 1e-4);
        Assert.Equal(9.0, Number(f, "epochs"));
    }

    [Fact]
    public void Loss_output_mismatch_for_crossentropy_on_a_linear_output()
    {
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 20), Dense(4)], "\"adam\"", "sparse_categorical_crossentropy",
            Classification(seed: 33), epochs: 2));
        var f = Single(d, FindingCodes.LossOutputMismatch);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("linear", f.Evidence["output_activation"]);
        Assert.Equal(1, f.LayerIndex);
        Assert.Null(f.Epoch); // a structural finding: known before training
    }

    [Fact]
    public void Loss_output_mismatch_for_targets_outside_a_sigmoid_range()
    {
        var d = Diagnose(Make([Dense(16, "relu", He, inputs: 10), Dense(1, "sigmoid")], "\"adam\"", "mse", Regression(seed: 32, targetScale: 100),
            epochs: 2, metrics: "[]"));
        var f = Single(d, FindingCodes.LossOutputMismatch);
        Assert.True(Number(f, "target_min") < 0 || Number(f, "target_max") > 1);
        Assert.Equal("sigmoid", f.Evidence["output_activation"]);
    }

    [Fact]
    public void A_healthy_classifier_has_no_warning_or_error()
    {
        var d = Diagnose(HealthyClassifier());
        Assert.Equal(Diagnosis.Healthy, d.Verdict);
        Assert.Empty(d.ProblemCodes);
        Assert.True(d.History["accuracy"][^1] > 0.9);
    }

    [Fact]
    public void A_healthy_regressor_has_no_warning_or_error()
    {
        var d = Diagnose(HealthyRegressor());
        Assert.Equal(Diagnosis.Healthy, d.Verdict);
        Assert.Empty(d.ProblemCodes);
        Assert.True(d.History["loss"][^1] < 0.5 * d.History["loss"][0]);
    }
}
