using Nabla.Callbacks;
using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>Severity a person can trust, root causes, and the rough edges a new user hits.</summary>
[Collection(DoctorCollection.Name)]
public class DoctorSeverityTests
{
    private sealed class ThrowAfterFirstEpoch : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
            throw new InvalidOperationException("stop");
    }

    [Fact]
    public void A_fit_that_throws_is_not_reported_healthy()
    {
        var e = HealthyClassifier(epochs: 3);
        var model = e.BuildModel();
        var doctor = new TrainingDoctor();
        Assert.Throws<InvalidOperationException>(() =>
            model.Fit(e.X, e.Y, epochs: 3, batchSize: 32, callbacks: [doctor, new ThrowAfterFirstEpoch()], verbose: 0));
        Assert.False(doctor.Diagnosis.IsHealthy);
        Assert.Equal(Diagnosis.Unfinished, doctor.Diagnosis.Verdict);
        Assert.False(doctor.Diagnosis.Finished);
    }

    private static Finding Found(string code, Severity severity) => new()
    {
        Code = code, Severity = severity, Evidence = new Dictionary<string, object>(), Message = "m", Fixes = [],
    };

    private static Diagnosis Of(Severity[] severities, string? primary = null, bool finished = true) =>
        new(severities.Select((s, i) => Found($"code_{i}", s)).ToList(), [], new Dictionary<string, IReadOnlyList<double>>(), primary, finished);

    [Fact]
    public void The_summary_says_a_healthy_run_with_warnings_learns_worse_than_it_could()
    {
        Assert.Equal("healthy", Of([]).Summary);
        Assert.Equal("healthy", Of([Severity.Info]).Summary);
        Assert.Equal("healthy, with 2 warnings: it learns, but worse than it could; primary cause: code_0",
            Of([Severity.Warning, Severity.Warning], "code_0").Summary);
        Assert.Equal("unhealthy: 1 error, 1 warning; primary cause: code_1", Of([Severity.Warning, Severity.Error], "code_1").Summary);
        Assert.Equal("unhealthy: 2 errors", Of([Severity.Error, Severity.Error]).Summary);
        Assert.Equal("unfinished: training stopped before its end; 1 warning so far", Of([Severity.Warning], finished: false).Summary);
    }

    [Fact]
    public void The_short_verdict_counts_the_warnings_of_a_run_without_an_error()
    {
        Assert.Equal("healthy", Of([Severity.Info]).ShortVerdict);
        Assert.Equal("healthy, 2 warnings", Of([Severity.Warning, Severity.Warning, Severity.Info]).ShortVerdict);
        Assert.Equal("unhealthy", Of([Severity.Warning, Severity.Error]).ShortVerdict);
        Assert.Equal("unfinished, 1 warning", Of([Severity.Warning], finished: false).ShortVerdict);
    }

    [Fact]
    public void A_problem_found_in_many_layers_counts_once_at_its_worst_severity()
    {
        // Dead ReLUs in thirty layers of a 35-layer MLP, one of them an error, and a plateau: two problems.
        var findings = Enumerable.Range(0, 30)
            .Select(i => Found(FindingCodes.DeadRelu, i == 7 ? Severity.Error : Severity.Warning) with { Layer = $"dense_{i}" })
            .Append(Found(FindingCodes.LossPlateau, Severity.Warning)).ToList();
        var diagnosis = new Diagnosis(findings, [], new Dictionary<string, IReadOnlyList<double>>(), FindingCodes.DeadRelu);
        Assert.Equal("unhealthy: 1 error, 1 warning; primary cause: dead_relu", diagnosis.Summary);

        var warned = new Diagnosis(findings.Select(f => f with { Severity = Severity.Warning }).ToList(), [],
            new Dictionary<string, IReadOnlyList<double>>(), FindingCodes.DeadRelu);
        Assert.Equal("healthy, 2 warnings", warned.ShortVerdict);
    }

    [Fact]
    public void Ten_class_labels_fitted_by_one_linear_unit_with_accuracy_is_a_mismatch()
    {
        var e = Make([Dense(32, "relu", He, inputs: 20), Dense(1)], Optimizer("Adam", 1e-3), "mse",
            Classification(classes: 10, seed: 3), epochs: 3);
        var d = Diagnose(e);
        var f = Single(d, FindingCodes.LossOutputMismatch);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(10, Convert.ToInt32(f.Evidence["classes"]));
        Assert.Equal(FindingCodes.LossOutputMismatch, d.PrimaryCause);
        Assert.Equal(FixCodes.UseCrossEntropy, f.Fixes[0].Code);
    }

    [Fact]
    public void Sigmoid_outputs_under_categorical_crossentropy_are_a_mismatch()
    {
        var e = Make([Dense(32, "relu", He, inputs: 20), Dense(4, "sigmoid")], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
            Classification(), epochs: 2);
        var model = e.BuildModel();
        var d = TrainingDoctor.Preflight(model, e.X, e.Y);
        Assert.Equal("sigmoid", Single(d, FindingCodes.LossOutputMismatch).Evidence["output_activation"]);
        // After training, the pairing stays at least a warning even if the run learned.
        Assert.True(Single(Diagnose(e), FindingCodes.LossOutputMismatch).Severity >= Severity.Warning);
    }

    [Fact]
    public void A_from_logits_loss_on_its_own_activation_is_an_observation_and_on_another_a_mismatch()
    {
        // The loss reads the logits behind a softmax even under from_logits (as Keras's TensorFlow backend does), so the
        // model trains as intended: an observation. A softmax under a binary loss from logits has nothing read back: squashed twice.
        Diagnosis Checked(string activation, Nabla.Losses.Loss loss)
        {
            var e = Make([Dense(32, "relu", He, inputs: 20), Dense(4, activation)], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
                Classification(), epochs: 2);
            var model = e.BuildModel();
            model.Compile("adam", loss);
            var y = loss.ExpectsIntegerLabels ? e.Y : Nabla.Data.Preprocessing.ToCategorical(e.Y, 4);
            return TrainingDoctor.Preflight(model, e.X, y);
        }
        var softmax = Single(Checked("softmax", new Nabla.Losses.SparseCategoricalCrossentropy(fromLogits: true)), FindingCodes.LossOutputMismatch);
        Assert.Equal(Severity.Info, softmax.Severity);
        Assert.Contains("training is unaffected here", softmax.Message);
        var binary = Single(Checked("softmax", new Nabla.Losses.BinaryCrossentropy(fromLogits: true)), FindingCodes.LossOutputMismatch);
        Assert.Equal(Severity.Warning, binary.Severity);
        Assert.Contains("squashed twice", binary.Message);
    }

    [Fact]
    public void A_hard_sigmoid_output_gives_probabilities_as_a_sigmoid_does()
    {
        // hard_sigmoid clips to [0, 1] (Keras 3: relu6(x + 3) / 6), so binary cross-entropy takes its outputs as they are;
        // defects4ml bug 046's fix is such an output. Over several classes they are independent, as a sigmoid's.
        Assert.True(Nabla.Activations.Activation.Get("hard_sigmoid").OutputsProbabilities);
        Assert.True(Nabla.Activations.Activation.Get("sigmoid").OutputsProbabilities);
        Assert.True(Nabla.Activations.Activation.Get("softmax").OutputsProbabilities);
        Assert.False(Nabla.Activations.Activation.Get("tanh").OutputsProbabilities);
        Assert.False(Nabla.Activations.Activation.Get("relu").OutputsProbabilities);

        var binary = Make([Dense(16, "relu", He, inputs: 20), Dense(1, "hard_sigmoid")], Optimizer("Adam", 1e-3), "binary_crossentropy",
            Classification(classes: 2), epochs: 2);
        Assert.False(TrainingDoctor.Preflight(binary.BuildModel(), binary.X, binary.Y).Has(FindingCodes.LossOutputMismatch));
        var classes = Make([Dense(16, "relu", He, inputs: 20), Dense(4, "hard_sigmoid")], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
            Classification(), epochs: 2);
        var d = TrainingDoctor.Preflight(classes.BuildModel(), classes.X, classes.Y);
        Assert.Equal("hard_sigmoid", Single(d, FindingCodes.LossOutputMismatch).Evidence["output_activation"]);
    }

    [Fact]
    public void A_first_batch_normalization_layer_counts_as_normalizing_the_inputs()
    {
        const string batchNorm = """{"class_name": "BatchNormalization", "config": {"batch_input_shape": [null, 20]}}""";
        var e = Make([batchNorm, Dense(32, "relu", He), Dense(4, "softmax")], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
            Classification(scale: 1000), epochs: 2);
        var d = TrainingDoctor.Preflight(e.BuildModel(), e.X, e.Y);
        Assert.False(d.Has(FindingCodes.UnnormalizedInputs), string.Join("; ", d.Findings));
        var raw = Make([Dense(32, "relu", He, inputs: 20), Dense(4, "softmax")], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
            Classification(scale: 1000), epochs: 2);
        Assert.True(TrainingDoctor.Preflight(raw.BuildModel(), raw.X, raw.Y).Has(FindingCodes.UnnormalizedInputs));
    }

    [Fact]
    public void Keras_default_initialization_under_relu_is_not_poor_even_with_few_inputs()
    {
        // glorot_uniform with 2 inputs and 64 units: std 0.17 against He's 1.0, inside Keras's variance-scaling band.
        var e = Make([Dense(64, "relu", inputs: 2), Dense(1)], Optimizer("Adam", 1e-3), "mse", Regression(features: 2), epochs: 2, metrics: "[]");
        var d = TrainingDoctor.Preflight(e.BuildModel(), e.X, e.Y);
        Assert.False(d.Has(FindingCodes.PoorInitialization), string.Join("; ", d.Findings));
    }

    private const string OldKerasUniform = """{"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05}}""";

    [Fact]
    public void A_deep_relu_stack_each_a_little_below_the_band_is_poor_initialization()
    {
        // RandomUniform(-0.05, 0.05) has std 0.029; for 128 inputs the band starts at sqrt(1/128) = 0.088, a third of
        // which is inside the single-kernel limit (4x). Ten such layers multiply to about 1e-5 of the signal.
        var layers = new List<string> { Dense(128, "relu", OldKerasUniform, inputs: 20) };
        for (int i = 0; i < 9; i++) layers.Add(Dense(128, "relu", OldKerasUniform));
        layers.Add(Dense(4, "softmax"));
        var e = Make([.. layers], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy", Classification(), epochs: 2);
        var f = Single(TrainingDoctor.Preflight(e.BuildModel(), e.X, e.Y), FindingCodes.PoorInitialization);
        Assert.Equal(10, Convert.ToInt32(f.Evidence["layers"]));
        Assert.Equal(10, Convert.ToInt32(f.Evidence["layers_outside_band"]));
        Assert.InRange(Number(f, "signal_factor"), 1e-7, 1e-3);
        Assert.Equal(FixCodes.FixInitialization, f.Fixes[0].Code);

        // Two He layers first belong to the run but add nothing; the finding sits on the first layer outside the band.
        var mixed = new List<string> { Dense(128, "relu", He, inputs: 20), Dense(128, "relu", He) };
        for (int i = 0; i < 10; i++) mixed.Add(Dense(128, "relu", OldKerasUniform));
        mixed.Add(Dense(4, "softmax"));
        var m = Make([.. mixed], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy", Classification(), epochs: 2);
        var model = m.BuildModel();
        var g = Single(TrainingDoctor.Preflight(model, m.X, m.Y), FindingCodes.PoorInitialization);
        Assert.Equal(12, Convert.ToInt32(g.Evidence["layers"]));
        Assert.Equal(10, Convert.ToInt32(g.Evidence["layers_outside_band"]));
        Assert.Equal(model.Layers[2].Name, g.Layer);

        // A BatchNormalization after each layer rescales the signal, so the factors do not multiply.
        const string batchNorm = """{"class_name": "BatchNormalization", "config": {}}""";
        var normalized = new List<string> { Dense(128, "relu", OldKerasUniform, inputs: 20), batchNorm };
        for (int i = 0; i < 9; i++) normalized.AddRange([Dense(128, "relu", OldKerasUniform), batchNorm]);
        normalized.Add(Dense(4, "softmax"));
        var withNorm = Make([.. normalized], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy", Classification(), epochs: 2);
        Assert.False(TrainingDoctor.Preflight(withNorm.BuildModel(), withNorm.X, withNorm.Y).Has(FindingCodes.PoorInitialization));

        // One such layer alone is within the single-kernel limit.
        var shallow = Make([Dense(128, "relu", OldKerasUniform, inputs: 20), Dense(4, "softmax")], Optimizer("Adam", 1e-3),
            "sparse_categorical_crossentropy", Classification(), epochs: 2);
        Assert.False(TrainingDoctor.Preflight(shallow.BuildModel(), shallow.X, shallow.Y).Has(FindingCodes.PoorInitialization));
    }

    [Fact]
    public void A_deep_relu_stack_with_keras_defaults_or_he_is_not_poor_initialization()
    {
        foreach (string init in new[] { "\"glorot_uniform\"", He })
        {
            var layers = new List<string> { Dense(128, "relu", init, inputs: 20) };
            for (int i = 0; i < 11; i++) layers.Add(Dense(128, "relu", init));
            layers.Add(Dense(4, "softmax"));
            var e = Make([.. layers], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy", Classification(), epochs: 2);
            var d = TrainingDoctor.Preflight(e.BuildModel(), e.X, e.Y);
            Assert.False(d.Has(FindingCodes.PoorInitialization), init + ": " + string.Join("; ", d.Findings));
        }
    }

    [Fact]
    public void A_loss_that_overflows_on_the_first_batch_is_the_forward_pass_not_missing_gradients()
    {
        // Stacked exponential activations overflow before any update: no step computes a gradient, and that says
        // nothing about the path from the loss; lowering or clipping a step that never happens cannot help.
        var e = Make([Dense(16, "exponential", He, inputs: 20), Dense(16, "exponential", He), Dense(16, "exponential", He),
            Dense(16, "exponential", He), Dense(4, "softmax")], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
            Classification(), epochs: 2);
        var d = Diagnose(e);
        Assert.False(d.Has(FindingCodes.MissingGradients), string.Join("; ", d.Findings));
        var nan = Single(d, FindingCodes.NanLoss);
        Assert.Equal(0L, Convert.ToInt64(nan.Evidence["step"]));
        Assert.Contains("before any update", nan.Message);
        Assert.DoesNotContain(nan.Fixes, f => f.Code is FixCodes.LowerLearningRate or FixCodes.ClipGradients);
        Assert.Equal([FixCodes.AddBatchNormalization, FixCodes.UseReluHeInit, FixCodes.FixInitialization], nan.Fixes.Select(f => f.Code));
        // The finding names the first layer whose output overflowed, and the exponential layers that compound up to it.
        Assert.Equal(nan.Evidence["overflowing_layer"], nan.Layer);
        Assert.InRange(nan.LayerIndex!.Value, 1, 3);
        Assert.Equal(nan.LayerIndex.Value + 1, nan.Evidence["exponential_layers"].ToString()!.Split(' ').Length);
        Assert.False(d.Has(FindingCodes.ExplodingGradients), string.Join("; ", d.Findings));
    }

    [Fact]
    public void A_hidden_overflow_behind_a_clamping_output_is_still_the_forward_pass()
    {
        // A sigmoid output can turn infinite hidden values into 0 or 1, so that the first loss is finite while the update
        // of that step is not (AUTOTRAINER's own exploding program, five exponential layers on circles, does this).
        // No update has happened: lower rates cannot help there either.
        var overflowed = Sample(0) with { Layer = "dense_3", LayerIndex = 3, OutputFinite = false, MeanAbsOutput = double.PositiveInfinity };
        var q = new Quantities
        {
            Model = new ModelQuantities { OptimizerClass = "SGD", LearningRate = 0.01 },
            Curve = new LossCurve { Losses = [6.48], InitialLoss = 6.48, EarlyLoss = 6.48, FirstNonFinite = (0, 0, 6.48) },
            Overflow = new ForwardOverflow(overflowed, ["dense_2", "dense_3"]),
            Learned = false,
        };
        var nan = Assert.Single(new NonFiniteLossDetector().Detect(q, new DoctorThresholds())).Finding;
        Assert.Contains("before any update", nan.Message);
        Assert.Contains("'dense_3' (exponential)", nan.Message);
        Assert.Equal("dense_3", nan.Layer);
        Assert.Equal([FixCodes.AddBatchNormalization, FixCodes.UseReluHeInit, FixCodes.FixInitialization], nan.Fixes.Select(f => f.Code));
        Assert.Empty(new ExplodingGradientsDetector().Detect(q, new DoctorThresholds()));
        // The same first step without an overflowing layer is an update that overflowed: a smaller step is a fix.
        var update = Assert.Single(new NonFiniteLossDetector().Detect(q with { Overflow = null }, new DoctorThresholds())).Finding;
        Assert.Equal(FixCodes.LowerLearningRate, update.Fixes[0].Code);
    }

    private static LayerSample Sample(long step) => new()
    {
        Epoch = 0, Step = step, LayerIndex = 0, Layer = "dense", Activation = "exponential", KernelGradNorm = 1, BiasGradNorm = 1,
        UpdateRatio = 0.01, WeightMean = 0, WeightStd = 0.1, ExpectedStd = 0.1, SaturatedFraction = double.NaN,
        DeadFraction = double.NaN, MeanAbsOutput = 1, GradientMissing = false, GradientAllZero = false, NonFinite = false,
    };

    [Fact]
    public void An_overflow_after_training_began_is_not_blamed_on_the_start()
    {
        // Outputs that were finite in the first step and overflowed later came from updates: a smaller step is a fix.
        var sample = Sample(0);
        var layers = LayerSeries.Of([sample, sample with { Step = 5, OutputFinite = false, MeanAbsOutput = double.PositiveInfinity }]);
        Assert.Null(ForwardOverflow.Of(layers, new ModelQuantities()));
        var atStart = LayerSeries.Of([sample with { OutputFinite = false }]);
        Assert.Equal(["dense"], ForwardOverflow.Of(atStart, new ModelQuantities())!.Explosive);
    }

    [Fact]
    public void An_all_zero_output_kernel_is_not_poor_initialization_a_zero_hidden_kernel_is()
    {
        // Softmax regression from zeros (Defects4DL's MNIST program, a tuning case of the published clinic): each output
        // unit is pulled toward its own class, so the units part from the first step.
        var regression = Make([Dense(4, "softmax", "\"zeros\"", inputs: 20)], Optimizer("SGD", 1e-2),
            "sparse_categorical_crossentropy", Classification(), epochs: 3);
        var d = TrainingDoctor.Preflight(regression.BuildModel(), regression.X, regression.Y);
        Assert.False(d.Has(FindingCodes.PoorInitialization), string.Join("; ", d.Findings));
        // Zero hidden units get equal updates and stay equal: still a finding, on the hidden layer only.
        var hidden = Make([Dense(16, "tanh", "\"zeros\"", inputs: 20), Dense(4, "softmax", "\"zeros\"")], Optimizer("SGD", 1e-2),
            "sparse_categorical_crossentropy", Classification(), epochs: 3);
        var model = hidden.BuildModel();
        var finding = Single(TrainingDoctor.Preflight(model, hidden.X, hidden.Y), FindingCodes.PoorInitialization);
        Assert.Equal(model.Layers[0].Name, finding.Layer);
    }

    [Fact]
    public void A_standard_normal_start_that_trains_is_info()
    {
        // 200 inputs: N(0, 1) is 14x He's std 0.1, far outside Keras's variance-scaling band, yet the model learns.
        var e = Make([Dense(64, "relu", Normal(1.0), inputs: 200), Dense(4, "softmax")], Optimizer("Adam", 1e-3),
            "sparse_categorical_crossentropy", Classification(features: 200), epochs: 8);
        var d = Diagnose(e);
        Assert.True(d.IsHealthy, string.Join("; ", d.Findings));
        Assert.Equal(Severity.Info, Single(d, FindingCodes.PoorInitialization).Severity);
        Assert.Empty(d.ProblemCodes);
    }

    [Fact]
    public void Oscillation_on_an_adaptive_optimizer_does_not_suggest_adam()
    {
        var q = new Quantities
        {
            Model = new ModelQuantities { OptimizerClass = "Adam", AdaptiveOptimizer = true, LearningRate = 0.5 },
            Curve = new LossCurve { Losses = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0], InitialLoss = 1.0, EarlyLoss = 1.0 },
            Learned = false,
        };
        var finding = Assert.Single(new OscillationDetector().Detect(q, new DoctorThresholds())).Finding;
        Assert.DoesNotContain(finding.Fixes, f => f.Code == FixCodes.UseAdam);
        q = q with { Model = q.Model with { OptimizerClass = "SGD", AdaptiveOptimizer = false } };
        Assert.Contains(Assert.Single(new OscillationDetector().Detect(q, new DoctorThresholds())).Finding.Fixes, f => f.Code == FixCodes.UseAdam);
    }

    [Fact]
    public void Accuracy_flips_of_a_classifier_still_at_the_uniform_guess_are_not_oscillation()
    {
        LayerSample Step(int step) => new()
        {
            Epoch = 0, Step = step, LayerIndex = 0, Layer = "dense", Activation = "relu", KernelGradNorm = 1, BiasGradNorm = 1,
            UpdateRatio = 1e-3, WeightMean = 0, WeightStd = 0.1, ExpectedStd = 0.1, SaturatedFraction = 0, DeadFraction = 0,
            MeanAbsOutput = 0.5, GradientMissing = false, GradientAllZero = false, NonFinite = false,
        };
        var t = new DoctorThresholds();
        Quantities Run(double[] losses) => new()
        {
            Model = new ModelQuantities
            {
                OptimizerClass = "Adam", AdaptiveOptimizer = true, LearningRate = 1e-3,
                Output = new OutputLayer("dense", 0, 1, "sigmoid", Probabilities: true), Loss = Nabla.Losses.Loss.Get("binary_crossentropy"),
            },
            Curve = new LossCurve { Losses = losses, Accuracy = [0.50, 0.46, 0.51, 0.47, 0.52, 0.46], InitialLoss = losses[0], EarlyLoss = losses[0] },
            Layers = [new LayerSeries([Step(0), Step(1)])],
            Learned = false,
        };
        // ln 2 = 0.693: a sigmoid output that has learned nothing; its accuracy drops by 4-6 points every other epoch.
        Assert.Empty(new OscillationDetector().Detect(Run([0.694, 0.693, 0.695, 0.693, 0.694, 0.696]), t));
        // The same flips with a loss that moved off the uniform guess are a bounce.
        Assert.Single(new OscillationDetector().Detect(Run([0.62, 0.66, 0.60, 0.65, 0.59, 0.66]), t));
    }

    [Fact]
    public void A_swinging_loss_is_not_oscillation_when_the_weights_barely_move()
    {
        LayerSample Step(int step, double updateRatio) => new()
        {
            Epoch = 0, Step = step, LayerIndex = 0, Layer = "dense", Activation = "relu", KernelGradNorm = 1, BiasGradNorm = 1,
            UpdateRatio = updateRatio, WeightMean = 0, WeightStd = 0.1, ExpectedStd = 0.1, SaturatedFraction = 0, DeadFraction = 0,
            MeanAbsOutput = 0.5, GradientMissing = false, GradientAllZero = false, NonFinite = false,
        };
        var t = new DoctorThresholds();
        var q = new Quantities
        {
            Model = new ModelQuantities { OptimizerClass = "Adam", AdaptiveOptimizer = true, LearningRate = 1e-7 },
            Curve = new LossCurve { Losses = [1.0, 1.2, 1.0, 1.2, 1.0, 1.2], InitialLoss = 1.0, EarlyLoss = 1.0 },
            Layers = [new LayerSeries([Step(0, 3e-7), Step(1, 4e-7)])],
            Learned = false,
        };
        // Steps of 3e-7 of the weights' size (below DeepDiagnosis's 1e-5 band) cannot bounce across a valley.
        Assert.True(q.FastestUpdateRatio < t.MinUpdateRatio);
        Assert.Empty(new OscillationDetector().Detect(q, t));
        q = q with { Layers = [new LayerSeries([Step(0, 3e-3), Step(1, 4e-3)])] };
        Assert.Single(new OscillationDetector().Detect(q, t));
        // A loss that rises every epoch and never falls back diverges: exploding gradients, not a bounce.
        q = q with { Curve = new LossCurve { Losses = [1.0, 1.5, 2.5, 4.0, 7.0, 12.0], InitialLoss = 1.0, EarlyLoss = 1.0 } };
        Assert.Empty(new OscillationDetector().Detect(q, t));
    }

    [Fact]
    public void A_learning_rate_is_the_primary_cause_of_the_dead_units_and_plateau_it_produces()
    {
        Finding Raw(string code) => new() { Code = code, Severity = Severity.Error, Message = code, Evidence = new Dictionary<string, object>(), Fixes = [] };
        var (findings, primary) = Decide.Run([new(Raw(FindingCodes.DeadRelu)), new(Raw(FindingCodes.LossPlateau)),
            new(Raw(FindingCodes.LearningRateTooHigh)), new(Raw(FindingCodes.LearningRateTooLow))], learned: false);
        Assert.Equal(FindingCodes.LearningRateTooHigh, primary);
        Assert.Equal(FindingCodes.LearningRateTooHigh, findings.Single(f => f.Code == FindingCodes.DeadRelu).CausedBy);
        Assert.Equal(FindingCodes.LearningRateTooHigh, findings.Single(f => f.Code == FindingCodes.LossPlateau).CausedBy);
        // Two roots: the second is an independent problem.
        Assert.Null(findings.Single(f => f.Code == FindingCodes.LearningRateTooLow).CausedBy);
        Assert.Null(findings.Single(f => f.Code == FindingCodes.LearningRateTooHigh).CausedBy);

        var (learned, none) = Decide.Run([new(Raw(FindingCodes.DeadRelu)), new(Raw(FindingCodes.OscillatingLoss))], learned: true);
        Assert.Null(none);
        Assert.All(learned, f => Assert.Equal(Severity.Info, f.Severity));
    }

    [Fact]
    public void Finding_text_carries_its_evidence_and_fixes_and_repeated_fixes_show_once()
    {
        var f = FindingBuilder.Make(FindingCodes.DeadRelu, Severity.Error, "Dead.", [FixCodes.UseLeakyRelu], ("dead_fraction", 0.9));
        string text = f.ToString();
        Assert.Contains("dead_fraction=0.9", text);
        Assert.Contains(FixCodes.UseLeakyRelu, text);

        var run = ExperimentResult.Run(HealthyRegressor(epochs: 1));
        RepairAttempt Lower(string change) => new(FixCodes.LowerLearningRate, change, RunSummary.Of(run), RunSummary.Of(run), Kept: true);
        var report = new RepairReport(run, [Lower("learning rate 1 -> 0.1"), Lower("learning rate 0.1 -> 0.01")], run);
        Assert.Equal([FixCodes.LowerLearningRate], report.AppliedFixes);
        Assert.Equal(2, report.AppliedChanges.Count);
    }
}
