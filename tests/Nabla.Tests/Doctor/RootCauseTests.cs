using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>Root causes and severities as the published programs need them: a primary cause among warnings, a regressor
/// that learned only a constant, a rate whose probe contradicts overshoot, and continuous targets scored by accuracy.</summary>
[Collection(DoctorCollection.Name)]
public class RootCauseTests
{
    private static readonly DoctorThresholds T = new();

    private static Finding Raw(string code, Severity severity) =>
        new() { Code = code, Severity = severity, Message = code, Evidence = new Dictionary<string, object>(), Fixes = [] };

    [Fact]
    public void Without_an_error_the_warning_that_explains_the_others_is_the_primary_cause()
    {
        var (findings, primary) = Decide.Run(
        [
            new(Raw(FindingCodes.SaturatedActivations, Severity.Warning), Floor: Severity.Warning),
            new(Raw(FindingCodes.PoorInitialization, Severity.Warning), Floor: Severity.Warning),
            new(Raw(FindingCodes.LossPlateau, Severity.Info)),
        ], learned: true);
        Assert.Equal(FindingCodes.PoorInitialization, primary);
        Assert.Equal(FindingCodes.PoorInitialization, findings.Single(f => f.Code == FindingCodes.SaturatedActivations).CausedBy);
        var diagnosis = new Diagnosis(findings, [], new Dictionary<string, IReadOnlyList<double>>(), primary);
        Assert.Equal(FindingCodes.PoorInitialization, diagnosis.Findings[0].Code);
    }

    [Fact]
    public void A_consequence_drops_the_fix_that_would_move_its_causes_setting_the_other_way()
    {
        // Batch size 1 under SGD(0.01, momentum 0.9) (AUTOTRAINER's unstable blobs): the rate kills the ReLUs and the loss
        // stalls; the plateau's own "raise the rate" would undo the cause's fix.
        static Finding WithFixes(string code, params string[] fixes) =>
            Raw(code, Severity.Error) with { Fixes = [.. fixes.Select(f => new Fix(f, f))] };
        var (findings, primary) = Decide.Run(
        [
            new(WithFixes(FindingCodes.LearningRateTooHigh, FixCodes.LowerLearningRate, FixCodes.ClipGradients)),
            new(WithFixes(FindingCodes.LossPlateau, FixCodes.UseAdam, FixCodes.RaiseLearningRate)),
        ], learned: false);
        Assert.Equal(FindingCodes.LearningRateTooHigh, primary);
        var plateau = findings.Single(f => f.Code == FindingCodes.LossPlateau);
        Assert.Equal(FindingCodes.LearningRateTooHigh, plateau.CausedBy);
        Assert.Equal([FixCodes.UseAdam], plateau.Fixes.Select(f => f.Code));

        // Alone, the plateau keeps both.
        var (alone, _) = Decide.Run([new(WithFixes(FindingCodes.LossPlateau, FixCodes.UseAdam, FixCodes.RaiseLearningRate))], learned: false);
        Assert.Equal(2, alone.Single().Fixes.Count);
    }

    [Fact]
    public void A_cause_takes_the_severity_of_what_it_causes_but_not_of_a_stalled_loss()
    {
        // Raw inputs (an observation once the run learned) drive a warned saturation: they carry its cost.
        var (findings, primary) = Decide.Run(
        [
            new(Raw(FindingCodes.UnnormalizedInputs, Severity.Error), Floor: Severity.Info),
            new(Raw(FindingCodes.SaturatedActivations, Severity.Error), Floor: Severity.Warning),
        ], learned: true);
        Assert.Equal(Severity.Warning, findings.Single(f => f.Code == FindingCodes.UnnormalizedInputs).Severity);
        Assert.Equal(FindingCodes.UnnormalizedInputs, primary);

        // In a run that did not learn both keep the detector's error.
        var (failed, _) = Decide.Run(
        [
            new(Raw(FindingCodes.UnnormalizedInputs, Severity.Error), Floor: Severity.Info),
            new(Raw(FindingCodes.SaturatedActivations, Severity.Error), Floor: Severity.Warning),
        ], learned: false);
        Assert.All(failed, f => Assert.Equal(Severity.Error, f.Severity));

        // A plateau alone raises nothing: every problem can end in one.
        var (stalled, _) = Decide.Run(
        [
            new(Raw(FindingCodes.PoorInitialization, Severity.Warning), Floor: Severity.Info),
            new(Raw(FindingCodes.LossPlateau, Severity.Warning), Floor: Severity.Warning),
        ], learned: true);
        Assert.Equal(Severity.Info, stalled.Single(f => f.Code == FindingCodes.PoorInitialization).Severity);
    }

    [Fact]
    public void Only_observations_leave_no_primary_cause()
    {
        var (_, primary) = Decide.Run([new(Raw(FindingCodes.DeadRelu, Severity.Warning))], learned: true);
        Assert.Null(primary);
    }

    [Fact]
    public void The_median_predictor_loss_is_the_mean_distance_to_each_columns_median()
    {
        var record = new TrainingRecord { Model = new ModelQuantities() };
        // Two columns: (0, 10), (1, 20), (1, 60); medians 1 and 20; |0-1|+0+0 + 10+0+40 = 51 over 6 values.
        record.AddTargets([0f, 10f, 1f, 20f, 1f, 60f]);
        Assert.Equal(51.0 / 6, record.MedianAbsoluteDeviation(2), 1e-12);
        var single = new TrainingRecord { Model = new ModelQuantities() };
        single.AddTargets([0f, 1f, 1f]);
        Assert.Equal(1.0 / 3, single.MedianAbsoluteDeviation(1), 1e-12);
        Assert.True(double.IsNaN(record.MedianAbsoluteDeviation(4)), "6 values do not make rows of 4");
    }

    [Fact]
    public void A_regressor_that_only_reached_the_best_constant_has_not_learned()
    {
        // The loss fell from 0.54 to 0.34, past the 0.8 share of its start, but 0.34 is what always predicting the
        // median of (0, 1, 1) scores under MAE: nothing about the inputs was learned.
        var curve = new LossCurve { Losses = [0.54, 0.45, 0.341], InitialLoss = 0.54, EarlyLoss = 0.54, ConstantPredictorLoss = 1.0 / 3 };
        Assert.False(LearningProgress.Learned(curve, classifier: false, T));
        Assert.True(LearningProgress.Learned(curve with { ConstantPredictorLoss = 0.5 }, classifier: false, T));
    }

    [Fact]
    public void A_classifier_whose_validation_accuracy_passes_the_gate_learned_though_dropout_holds_its_training_accuracy_down()
    {
        // The traffic-sign CNN of defects4ml bug 026 (fixed; a tuning case): two Dropout(0.5) layers keep Keras's
        // training-mode accuracy at 61.6% while it validates at 95.1% over 43 classes.
        var curve = new LossCurve
        {
            Losses = [3.0, 1.5, 1.11], Accuracy = [0.2, 0.5, 0.616], ValidationAccuracy = [0.4, 0.8, 0.951],
            InitialLoss = 3.76, EarlyLoss = 3.7,
        };
        Assert.False(LearningProgress.Learned(curve, classifier: true, T));
        Assert.True(LearningProgress.Learned(curve, classifier: true, T, majorityShare: 0.04));
        // A validation set of one class scores its share by a constant prediction: that is no sign of learning.
        Assert.False(LearningProgress.Learned(curve with { ValidationAccuracy = [1.0, 1.0, 1.0] }, classifier: true, T, majorityShare: 1.0));
        Assert.False(LearningProgress.Learned(curve with { ValidationAccuracy = [0.4, 0.5, 0.6] }, classifier: true, T, majorityShare: 0.04));
    }

    [Fact]
    public void The_accuracy_gate_rises_above_the_majority_class_when_the_classes_are_imbalanced()
    {
        // Balanced classes keep AUTOTRAINER's Theta (demo_test.py: 0.7), whatever their number.
        Assert.Equal(0.7, ClassBalance.Gate(0.7, classes: 2, majorityShare: 0.5), 1e-12);
        Assert.Equal(0.7, ClassBalance.Gate(0.7, classes: 10, majorityShare: 0.1), 1e-12);
        // Two thirds of the rows in one class: the gate lies 0.2 / 0.5 of the way from 0.661 to 1.
        Assert.Equal(0.661 + 0.4 * 0.339, ClassBalance.Gate(0.7, classes: 2, majorityShare: 0.661), 1e-12);
        // Never below Theta, and unknown classes keep it.
        Assert.Equal(0.7, ClassBalance.Gate(0.7, classes: 1, majorityShare: 1.0), 1e-12);

        // AUTOTRAINER's not-converging Higgs program (a tuning case): 66.1% of its training rows and 66.8% of its
        // validation rows are background; SGD at 1e-4 ends at 70.7% / 70.2%, past Theta but barely past the majority.
        var curve = new LossCurve
        {
            Losses = [0.80, 0.60, 0.56], Accuracy = [0.55, 0.68, 0.707], ValidationAccuracy = [0.54, 0.69, 0.702],
            InitialLoss = 0.85, EarlyLoss = 0.80,
        };
        Assert.True(LearningProgress.Learned(curve, classifier: true, T, majorityShare: 0.668));
        Assert.False(LearningProgress.Learned(curve, classifier: true, T, majorityShare: 0.668, training: new ClassBalance(2, 0.661)));
        Assert.True(LearningProgress.Learned(curve, classifier: true, T, majorityShare: 0.5, training: new ClassBalance(2, 0.5)));
        // The validation path is gated the same way.
        Assert.True(LearningProgress.Learned(curve with { ValidationAccuracy = [0.7, 0.8, 0.85] }, classifier: true, T,
            majorityShare: 0.668, training: new ClassBalance(2, 0.661)));
    }

    [Fact]
    public void Binary_cross_entropy_against_soft_targets_is_judged_above_the_targets_own_entropy()
    {
        // Two columns of pixel-like targets: the best constant predicts each column's mean (0.5 and 0.3), the best
        // prediction each target itself, whose loss is the targets' own entropy.
        var record = new TrainingRecord { Model = new ModelQuantities() };
        record.AddTargets([0.2f, 0.3f, 0.8f, 0.3f]);
        var (constant, floor) = record.BinaryCrossEntropyBounds(2)!.Value;
        double H(double p) => -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));
        Assert.Equal((H(0.5) + H(0.3)) / 2, constant, 1e-6); // float32 targets
        Assert.Equal((H(0.2) + H(0.3) + H(0.8) + H(0.3)) / 4, floor, 1e-6);
        var hard = new TrainingRecord { Model = new ModelQuantities() };
        hard.AddTargets([0f, 1f, 1f, 0f]);
        Assert.Null(hard.BinaryCrossEntropyBounds(2)); // 0/1 labels: the floor is 0 and accuracy speaks for the run

        // defects4ml bug 023's super-resolution CNN (fixed; a tuning case): 0.694 -> 0.606 is 87% of its start, but the
        // floor is 0.59, so 85% of what could be learned above it was.
        var curve = new LossCurve { Losses = [0.65, 0.62, 0.606], InitialLoss = 0.694, EarlyLoss = 0.694, ConstantPredictorLoss = 0.66, LossFloor = 0.59 };
        Assert.True(LearningProgress.Learned(curve, classifier: true, T));
        Assert.False(LearningProgress.Learned(curve with { LossFloor = 0 }, classifier: true, T));
        Assert.False(LearningProgress.Learned(curve with { Losses = [0.67, 0.66, 0.65] }, classifier: true, T));
    }

    [Fact]
    public void Inputs_whose_values_are_all_the_same_are_constant()
    {
        Assert.True(InputStatistics.Measure([0f, 0f, 0f, 0f]).Constant);
        Assert.True(InputStatistics.Measure([2.5f, 2.5f]).Constant);
        Assert.False(InputStatistics.Measure([0f, 0f, 0f, 1e-6f]).Constant);
    }

    [Fact]
    public void The_majority_share_is_what_always_predicting_the_most_common_validation_class_scores()
    {
        var y = Tensor.FromArray([0, 1, 2, 2, 2, 1], 6, 1);
        var fit = new FitInfo(1, 1, 4, 4) { Targets = [y], ValidationTargets = [Tensor.FromArray([2, 1], 2, 1)], ValidationSplit = 1.0 / 3 };
        Assert.Equal(0.5, ValidationClasses.Of(fit)!.MajorityShare);
        // The training rows alone (the first four): three classes, class 2 in two of them.
        Assert.Equal(new ClassBalance(3, 0.5), ClassBalance.Of(fit));
        // Continuous targets are no classes.
        Assert.Null(ClassBalance.Of(fit with { Targets = [Tensor.FromArray([0.5f, 1, 2, 2], 4, 1)] }));
    }

    private static Quantities Diverged(LearningRateResponse probe) => new()
    {
        Model = new ModelQuantities { LearningRate = 1e-5, OptimizerClass = "Adam", AdaptiveOptimizer = true },
        Curve = new LossCurve { Losses = [1.9e4, 1.9e4, 1.89e4], InitialLoss = 1.79e4, EarlyLoss = 1.9e4 },
        Learned = false,
        RateResponse = probe,
    };

    [Fact]
    public void A_final_loss_above_the_first_batch_is_not_overshoot_when_larger_rates_do_better_in_the_probe()
    {
        var rising = new LearningRateResponse(1e-5, 24, FallAtTenth: 0.0001, FallAtRate: 0.0003, FallAtTenTimes: 0.001);
        Assert.True(rising.RisesWithRate);
        Assert.Empty(new LearningRateTooHighDetector().Detect(Diverged(rising), T));

        var overshooting = rising with { FallAtTenth = 0.2, FallAtRate = 0.01, FallAtTenTimes = double.NegativeInfinity };
        Assert.False(overshooting.RisesWithRate);
        Assert.Equal(FindingCodes.LearningRateTooHigh, Assert.Single(new LearningRateTooHighDetector().Detect(Diverged(overshooting), T)).Finding.Code);
    }

    [Fact]
    public void The_probe_alone_does_not_blame_the_learning_rate_while_gradients_vanish()
    {
        // Seven sigmoid layers under Adam at its default rate: the first layer gets 6e-5 of the last one's gradient, and
        // ten times the rate lowers the loss faster over the probe's steps, as any remedy of the vanishing would.
        LayerSample Sample(int layer, double gradNorm) => new()
        {
            Epoch = 0, Step = 0, LayerIndex = layer, Layer = $"dense_{layer}", Activation = "sigmoid", KernelGradNorm = gradNorm,
            BiasGradNorm = gradNorm, UpdateRatio = 1e-3, WeightMean = 0, WeightStd = 0.5, ExpectedStd = 0.5, SaturatedFraction = 0,
            DeadFraction = 0, MeanAbsOutput = 0.5, GradientMissing = false, GradientAllZero = false, NonFinite = false,
        };
        Quantities Run(double firstGradNorm) => new()
        {
            Model = new ModelQuantities { LearningRate = 1e-3, OptimizerClass = "Adam", AdaptiveOptimizer = true },
            Curve = new LossCurve { Losses = [0.6931, 0.6929, 0.6927], InitialLoss = 0.6931, EarlyLoss = 0.6931 },
            Layers = [new LayerSeries([Sample(0, firstGradNorm)]), new LayerSeries([Sample(1, 0.05)])],
            Learned = false,
            RateResponse = new LearningRateResponse(1e-3, 24, FallAtTenth: 0.0005, FallAtRate: 0.002, FallAtTenTimes: 0.05),
        };
        var vanishing = Run(firstGradNorm: 3e-6);
        Assert.True(vanishing.GradientsVanish(T));
        Assert.Empty(new LearningRateTooLowDetector().Detect(vanishing, T));
        Assert.Single(new VanishingGradientsDetector().Detect(vanishing, T));

        var flowing = Run(firstGradNorm: 0.02);
        Assert.False(flowing.GradientsVanish(T));
        Assert.Equal(FindingCodes.LearningRateTooLow, Assert.Single(new LearningRateTooLowDetector().Detect(flowing, T)).Finding.Code);
    }

    private static Quantities Regression(int units, double min, double max, bool classLabels) => new()
    {
        Model = new ModelQuantities
        {
            Output = new OutputLayer("dense_1", 1, units, "linear"),
            Loss = Nabla.Losses.Loss.Get("mse"),
            HasAccuracyMetric = true,
            Targets = new TargetFacts(min, max, classLabels, units),
        },
        Curve = new LossCurve { Losses = [0.1, 1e-5], Accuracy = [0.0002, 0.0002], InitialLoss = 0.2, EarlyLoss = 0.15 },
        Learned = true,
    };

    [Fact]
    public void Continuous_targets_of_one_unit_scored_by_accuracy_are_a_warning_with_a_regression_metric_as_fix()
    {
        var detection = Assert.Single(new TargetMismatchDetector().Detect(Regression(1, 0.01, 0.99, classLabels: false), T));
        Assert.Equal(FindingCodes.LossOutputMismatch, detection.Finding.Code);
        Assert.Equal(Severity.Warning, detection.Finding.Severity);
        Assert.Equal(Severity.Warning, detection.Floor);
        Assert.Equal(FixCodes.UseRegressionMetric, Assert.Single(detection.Finding.Fixes).Code);
        Assert.Contains("0.0", detection.Finding.Message); // the accuracy it reads

        // Several outputs get categorical (argmax) accuracy, which does measure something; 0/1 targets are a binary classifier.
        Assert.Empty(new TargetMismatchDetector().Detect(Regression(30, -1, 1, classLabels: false), T));
        Assert.Empty(new TargetMismatchDetector().Detect(Regression(1, 0, 1, classLabels: true), T));
    }
}
