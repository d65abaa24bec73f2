using Nabla.Configuration;
using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;
using Nabla.Data;

namespace Nabla.Tests.Doctor;

/// <summary>
/// The overfitting finding: Prechelt's generalization loss and training progress ("Early Stopping — But When?", 1998)
/// against hand-computed values, the detector on constructed histories, and the early_stopping and add_dropout repairs.
/// </summary>
[Collection(DoctorCollection.Name)]
public class OverfittingTests
{
    private static readonly DoctorThresholds T = new();

    // Training loss falls throughout; validation loss is lowest at epoch 2 (0-based) and then rises to 0.8 at epoch 11.
    private static readonly double[] FallingTrain = [1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05];
    private static readonly double[] RisingValidation = [1.0, 0.8, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78, 0.8];

    private static Dictionary<string, List<double>> History(double[] train, double[] validation, double[]? valAccuracy = null)
    {
        var history = new Dictionary<string, List<double>> { ["loss"] = [.. train], ["val_loss"] = [.. validation] };
        if (valAccuracy is not null) history["val_accuracy"] = [.. valAccuracy];
        return history;
    }

    private static List<Detection> Detect(Dictionary<string, List<double>> history, bool learned = true) =>
        new OverfittingDetector().Detect(new Quantities
        {
            Model = new ModelQuantities(),
            Generalization = GeneralizationLoss.Of(history, heldEpoch: null),
            Learned = learned,
        }, T).ToList();

    [Fact]
    public void Generalization_loss_and_training_progress_match_hand_computed_values()
    {
        var g = GeneralizationLoss.Of(History(FallingTrain, RisingValidation), heldEpoch: null)!;
        Assert.Equal(2, g.BestEpoch);
        Assert.Equal(0.7, g.BestValidationLoss);
        Assert.Equal(0.8, g.FinalValidationLoss);
        // GL(11) = 100 (0.8 / 0.7 - 1) = 14.2857...; GL(3) = 100 (0.71 / 0.7 - 1) = 1.4286; GL(0) = 0.
        Assert.Equal(14.285714, g.Final, 1e-5);
        Assert.Equal(1.428571, g.At(3), 1e-5);
        Assert.Equal(0, g.At(0));
        // GL first exceeds 5 at epoch 6: 100 (0.74 / 0.7 - 1) = 5.714 (epoch 5: 4.286).
        Assert.Equal(6, g.FirstAbove(5));
        // P_5(11): the strip of epochs 7..11, 0.25 + 0.2 + 0.15 + 0.1 + 0.05 = 0.75, min 0.05:
        // 1000 (0.75 / (5 · 0.05) - 1) = 2000.
        Assert.Equal(2000, g.TrainingProgress(11, 5), 1e-6);
        // P_5(4): epochs 0..4 = 1.0 + 0.8 + 0.6 + 0.5 + 0.4 = 3.3, min 0.4: 1000 (3.3 / 2 - 1) = 650.
        Assert.Equal(650, g.TrainingProgress(4, 5), 1e-6);
        Assert.True(double.IsNaN(g.TrainingProgress(3, 5)));
        Assert.True(g.TrainingKeptFalling(5));
    }

    /// <summary>With Fit's validationFreq the doctor's history holds NaN at the epochs that did not validate: the quantities
    /// read the validated ones (a strip counts validations, as Keras's EarlyStopping counts patience), and the finding
    /// names the run's epochs.</summary>
    [Fact]
    public void With_validation_every_second_epoch_the_validated_epochs_are_read_and_named()
    {
        // Validation at epochs 1, 3, 5... (0-based): the hand-made series above, one value per validation.
        var train = new List<double>();
        var validation = new List<double>();
        for (int i = 0; i < FallingTrain.Length; i++)
        {
            train.AddRange([FallingTrain[i] + 0.01, FallingTrain[i]]);
            validation.AddRange([double.NaN, RisingValidation[i]]);
        }
        var history = new Dictionary<string, List<double>> { ["loss"] = train, ["val_loss"] = validation };
        var g = GeneralizationLoss.Of(history, heldEpoch: null, validationFreq: 2)!;
        Assert.Equal([.. Enumerable.Range(0, 12).Select(i => 2 * i + 1)], g.Epochs);
        Assert.Equal(FallingTrain, g.TrainLosses);
        Assert.Equal(2, g.BestEpoch); // the third validation, epoch 6 counted from 1
        Assert.Equal(14.285714, g.Final, 1e-5);
        var f = Assert.Single(new OverfittingDetector().Detect(
            new Quantities { Model = new ModelQuantities(), Generalization = g, Learned = true }, T)).Finding;
        Assert.Equal(6, Number(f, "best_epoch"));
        Assert.Equal(24, Number(f, "epochs"));
        Assert.Equal(13, f.Epoch); // the seventh validation, the first past GL5, 0-based
        Assert.Contains("Stopping at epoch 6 would have ended at val_loss 0.7 instead of 0.8", f.Message);
        // A NaN at a validated epoch is a diverged validation, not a gap: no generalization quantities.
        validation[5] = double.NaN;
        Assert.Null(GeneralizationLoss.Of(history, heldEpoch: null, validationFreq: 2));
    }

    [Fact]
    public void Restored_best_weights_end_the_run_at_its_best_epoch()
    {
        var g = GeneralizationLoss.Of(History(FallingTrain, RisingValidation), heldEpoch: 2)!;
        Assert.Equal(2, g.EndEpoch);
        Assert.Equal(0, g.Final);
        Assert.Empty(new OverfittingDetector().Detect(new Quantities { Model = new ModelQuantities(), Generalization = g, Learned = true }, T));
    }

    [Fact]
    public void Fires_past_GL5_with_a_falling_training_loss_and_states_the_cost()
    {
        var detection = Assert.Single(Detect(History(FallingTrain, RisingValidation)));
        var f = detection.Finding;
        Assert.Equal(FindingCodes.Overfitting, f.Code);
        // No accuracy metric: the validation loss itself is the cost, a warning even in a run that learned.
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(Severity.Warning, detection.Floor);
        Assert.Equal(T.OverfittingGeneralizationLoss, Number(f, "threshold"));
        Assert.True(Number(f, "generalization_loss") > T.OverfittingGeneralizationLoss);
        Assert.Equal(3, Number(f, "best_epoch")); // 1-based, as Keras prints epochs
        Assert.Equal(6, f.Epoch); // first epoch past GL5, 0-based
        Assert.Contains("Stopping at epoch 3 would have ended at val_loss 0.7 instead of 0.8", f.Message);
        Assert.Equal([FixCodes.EarlyStopping, FixCodes.AddDropout], f.Fixes.Select(x => x.Code));
    }

    [Fact]
    public void Silent_on_a_validation_loss_that_keeps_falling()
    {
        double[] validation = [1.0, 0.9, 0.85, 0.8, 0.78, 0.76, 0.75, 0.74, 0.73, 0.72, 0.71, 0.7];
        Assert.Empty(Detect(History(FallingTrain, validation)));
    }

    [Fact]
    public void Silent_when_the_training_loss_rises_too()
    {
        // Both losses climb after epoch 2: divergence, not overfitting.
        double[] train = [1.0, 0.8, 0.6, 0.62, 0.65, 0.68, 0.7, 0.72, 0.75, 0.78, 0.8, 0.85];
        Assert.Empty(Detect(History(train, RisingValidation)));
    }

    [Fact]
    public void Silent_when_the_validation_loss_stays_below_the_training_loss()
    {
        // Training loss read with dropout on (1.0 down to 0.5) stays above a validation loss that bounces up from its
        // best: no gap between training and new data, so the rise is noise, not overfitting.
        double[] train = [1.2, 1.1, 1.0, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];
        double[] validation = [0.9, 0.5, 0.2, 0.3, 0.35, 0.3, 0.4, 0.35, 0.4, 0.45, 0.4, 0.45];
        Assert.Empty(Detect(History(train, validation)));
        // The same rise above the training loss is overfitting.
        double[] lowTrain = [.. train.Select(l => l / 4)];
        Assert.Single(Detect(History(lowTrain, validation)));
    }

    [Fact]
    public void Silent_on_a_recent_bump_and_on_a_run_that_did_not_learn()
    {
        // Best at epoch 8, 10% above it at epoch 11: three epochs are fewer than a strip of five, noise not a trend.
        double[] validation = [1.0, 0.9, 0.85, 0.8, 0.78, 0.76, 0.75, 0.74, 0.7, 0.72, 0.75, 0.77];
        Assert.Empty(Detect(History(FallingTrain, validation)));
        Assert.Empty(Detect(History(FallingTrain, RisingValidation), learned: false));
        // Fewer than k + 1 epochs.
        Assert.Empty(Detect(History(FallingTrain[..5], RisingValidation[..5])));
    }

    [Fact]
    public void Warning_when_validation_accuracy_falls_info_when_it_holds()
    {
        double[] falling = [0.5, 0.7, 0.90, 0.89, 0.88, 0.87, 0.86, 0.85, 0.84, 0.83, 0.82, 0.80];
        var warning = Assert.Single(Detect(History(FallingTrain, RisingValidation, falling))).Finding;
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(0.10, Number(warning, "accuracy_cost"), 1e-6);
        Assert.Equal(T.OverfittingAccuracyCost, Number(warning, "accuracy_cost_threshold"));
        Assert.Equal(0.9, Number(warning, "val_accuracy_at_best"));
        Assert.Equal(0.8, Number(warning, "final_val_accuracy"));
        Assert.Contains("val_loss 0.7 / val_accuracy 0.9 instead of val_loss 0.8 / val_accuracy 0.8", warning.Message);

        // Exactly 3 points as float32 accuracies report them (249 then 240 of 300 samples): at the margin, a warning.
        double[] threePoints = [0.5, 0.7, (double)(249f / 300), 0.82, 0.82, 0.81, 0.81, 0.81, 0.80, 0.80, 0.80, (double)(240f / 300)];
        Assert.Equal(Severity.Warning, Assert.Single(Detect(History(FallingTrain, RisingValidation, threePoints))).Finding.Severity);

        // Over-confidence: the loss rises while the accuracy moves 1 point, under the 3-point margin.
        double[] holding = [0.5, 0.7, 0.85, 0.85, 0.86, 0.85, 0.85, 0.84, 0.85, 0.84, 0.85, 0.84];
        var detection = Assert.Single(Detect(History(FallingTrain, RisingValidation, holding)));
        Assert.Equal(Severity.Info, detection.Finding.Severity);
        Assert.Equal(Severity.Info, detection.Floor);
    }

    [Fact]
    public void Overfitting_is_its_own_root_cause()
    {
        Finding Raw(string code, Severity s) => new() { Code = code, Severity = s, Message = code, Evidence = new Dictionary<string, object>(), Fixes = [] };
        var (findings, primary) = Decide.Run([new(Raw(FindingCodes.Overfitting, Severity.Warning), Severity.Warning)], learned: true);
        Assert.Equal(FindingCodes.Overfitting, primary);
        Assert.Null(Assert.Single(findings).CausedBy);
        foreach (var code in FindingCodes.All.Where(c => c != FindingCodes.Overfitting))
        {
            Assert.False(CausalGraph.CanCause(FindingCodes.Overfitting, code));
            Assert.False(CausalGraph.CanCause(code, FindingCodes.Overfitting));
        }
    }

    /// <summary>The synthetic clinic's case: two hidden layers of 512 ReLU units on 210 training samples of overlapping
    /// clusters (90 validate), 200 epochs.</summary>
    private static Experiment Overfitting() =>
        ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "overfitting-wide-mlp-noisy-clusters.json"));

    [Fact]
    public void Early_stopping_repairs_an_overfitting_classifier_and_scores_the_restored_epoch()
    {
        var report = TrainingDoctor.Repair(Overfitting());
        var before = report.Original;
        var f = Single(before.Diagnosis, FindingCodes.Overfitting);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(FindingCodes.Overfitting, before.Diagnosis.PrimaryCause);
        var attempt = report.Attempts[0];
        Assert.Equal(FixCodes.EarlyStopping, attempt.Fix);
        Assert.True(attempt.Kept, attempt.ToString());
        Assert.True(report.Succeeded, string.Join("; ", report.Best.Diagnosis.Findings));
        // The repaired run holds the best epoch's weights and is scored there: the finding's own "would have ended at".
        Assert.Equal(Number(f, "best_val_loss"), FindingBuilder.R(report.Best.Final["val_loss"]));
        Assert.Equal(Number(f, "val_accuracy_at_best"), FindingBuilder.R(report.Best.Final["val_accuracy"]));
        Assert.True(attempt.After.ValLoss < attempt.Before.ValLoss, $"{attempt.Before.ValLoss} -> {attempt.After.ValLoss}");
        Assert.True(attempt.After.ValAccuracy - attempt.Before.ValAccuracy >= T.OverfittingAccuracyCost,
            $"{attempt.Before.ValAccuracy} -> {attempt.After.ValAccuracy}");
        var restored = report.Best.Model.Evaluate(Preprocessing.RowRange(report.Best.Experiment.X, 210, 300), Preprocessing.RowRange(report.Best.Experiment.Y, 210, 300));
        Assert.Equal(report.Best.Final["val_loss"], restored["loss"], 1e-4);
    }

    [Fact]
    public void Add_dropout_puts_dropout_after_each_hidden_dense_layer_once()
    {
        var e = Overfitting();
        var (changed, change) = OverfittingRepairs.AddDropout(e)!.Value;
        var classes = changed.LayerConfigs().Select(l => l.GetString("class_name")).ToList();
        Assert.Equal(["Dense", "Dropout", "Dense", "Dropout", "Dense"], classes);
        Assert.Equal(OverfittingRepairs.DropoutRate, changed.LayerConfigs()[1].GetConfig("config")!.GetDouble("rate"));
        Assert.Contains("Dropout(0.5)", change);
        Assert.Null(OverfittingRepairs.AddDropout(changed));
        // After the Dense layer's own Activation layer; a functional model's layer list is not a chain to insert into.
        const string activation = """{"class_name": "Activation", "config": {"activation": "relu"}}""";
        var withActivation = Make([Dense(16, inputs: 20), activation, Dense(4, "softmax")], "\"adam\"", "sparse_categorical_crossentropy",
            Classification(samples: 100));
        Assert.Equal(["Dense", "Activation", "Dropout", "Dense"],
            OverfittingRepairs.AddDropout(withActivation)!.Value.Item1.LayerConfigs().Select(l => l.GetString("class_name")));
        var functional = e.Model.DeepClone();
        functional["class_name"] = "Functional";
        Assert.Null(OverfittingRepairs.AddDropout(e with { Model = functional }));
        Assert.Null(OverfittingRepairs.EarlyStopping(e with { ValidationSplit = 0 }));
        var stopping = OverfittingRepairs.EarlyStopping(e)!.Value.Item1;
        Assert.Null(OverfittingRepairs.EarlyStopping(stopping));
        var callback = Assert.IsType<Nabla.Callbacks.EarlyStopping>(Assert.Single(stopping.ExtraCallbacks()));
        Assert.Equal(("val_loss", OverfittingRepairs.Patience, true), (callback.Monitor, callback.Patience, callback.RestoreBestWeights));
    }

    [Fact]
    public void An_experiment_file_expresses_early_stopping_with_keras_argument_names()
    {
        const string fit = """{"epochs": 3, "callbacks": [{"class_name": "EarlyStopping", "config": {"monitor": "val_loss", "patience": 2, "min_delta": 0.01, "restore_best_weights": true}}]}""";
        var e = Parse(fit);
        var callback = Assert.IsType<Nabla.Callbacks.EarlyStopping>(Assert.Single(e.ExtraCallbacks()));
        Assert.Equal((2, true), (callback.Patience, callback.RestoreBestWeights));
        var config = callback.GetConfig();
        Assert.Equal(0.01, config.GetDouble("min_delta"));
        // Keras's defaults for what the file leaves out (keras/src/callbacks/early_stopping.py).
        Assert.Equal(("auto", 0, 0), (config.GetString("mode"), config.GetInt("verbose"), config.GetInt("start_from_epoch")));
        Assert.Equal(config.ToJsonString(), Nabla.Callbacks.EarlyStopping.FromConfig(config).GetConfig().ToJsonString());

        var unknown = Assert.Throws<Nabla.Data.DataFormatException>(() => Parse("""{"callbacks": [{"class_name": "EarlyStopping", "config": {"patiense": 2}}]}"""));
        Assert.Contains("fit.callbacks", unknown.Message);
        Assert.Contains("patiense", unknown.Message);
        var other = Assert.Throws<Nabla.Data.DataFormatException>(() => Parse("""{"callbacks": [{"class_name": "ModelCheckpoint", "config": {}}]}"""));
        Assert.Contains("EarlyStopping", other.Message);
    }

    private static Experiment Parse(string fit)
    {
        string json = $$$"""
            {
              "model": {"class_name": "Sequential", "config": {"layers": [{{{Dense(4, "softmax", inputs: 20)}}}]}},
              "compile": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"},
              "data": {{{Classification(samples: 100)}}},
              "fit": {{{fit}}}
            }
            """;
        return ExperimentFile.Parse(Config.Parse(json), Directory.GetCurrentDirectory(), "case", "case.json");
    }
}
