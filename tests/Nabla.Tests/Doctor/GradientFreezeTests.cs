using Nabla.Cli.Clinic;
using Nabla.Doctor;
using Nabla.Losses;

namespace Nabla.Tests.Doctor;

/// <summary>Training that froze with every gradient exactly zero: where it froze, the output pinned at the
/// cross-entropy's clip that explains it, and the learning rate read from the steps before it.</summary>
[Collection(DoctorCollection.Name)]
public class GradientFreezeTests
{
    private static readonly DoctorThresholds T = new();

    /// <summary>Two layers sampled at steps 0, 100, ..., 500; the steps listed in <paramref name="zeroFrom"/> on are frozen.</summary>
    private static List<LayerSample> Run(int zeroFrom, int steps = 6, double firstRatio = 0.4) =>
        [.. Enumerable.Range(0, steps).SelectMany(i => new[] { 0, 1 }.Select(layer =>
            Sample(layer, step: 100 * i, zero: i >= zeroFrom, ratio: i == 0 ? firstRatio : i >= zeroFrom ? 0 : 1e-3)))];

    [Fact]
    public void A_run_frozen_from_its_second_sample_on_froze_there()
    {
        var freeze = GradientFreeze.Of(LayerSeries.Of(Run(zeroFrom: 1)), Constant, T.FrozenLossSpread);
        Assert.NotNull(freeze);
        Assert.Equal(100, freeze.Step);
        Assert.Equal(5, freeze.FrozenSteps);
        Assert.Equal(5 / 6.0, freeze.Share, 1e-12);
    }

    [Theory]
    [InlineData(0)] // never had a gradient: missing_gradients' finding, not a freeze
    [InlineData(5)] // only the last sample
    [InlineData(4)] // a late stall: two of six samples, under half the run
    [InlineData(6)] // never froze
    public void Other_runs_did_not_freeze(int zeroFrom) =>
        Assert.Null(GradientFreeze.Of(LayerSeries.Of(Run(zeroFrom)), Constant, T.FrozenLossSpread));

    [Fact]
    public void Zero_gradients_at_the_sampled_steps_while_the_epoch_loss_still_moves_are_not_a_freeze()
    {
        // Samples fall in epochs 0 and 1 (steps 0-400 and 500); an epoch loss that keeps changing after epoch 0 means
        // other batches still moved the weights.
        Assert.Null(GradientFreeze.Of(LayerSeries.Of(Run(zeroFrom: 1)), [7.3, 9.1, 7.7], T.FrozenLossSpread));
        // Momentum left from earlier steps drifts a frozen run's loss a little (AlexNet under Adam(1): 1.1%).
        Assert.NotNull(GradientFreeze.Of(LayerSeries.Of(Run(zeroFrom: 1)), [14.19, 14.60, 14.44], T.FrozenLossSpread));
    }

    [Fact]
    public void One_layer_still_moving_is_not_a_freeze()
    {
        var samples = Run(zeroFrom: 1);
        samples[^1] = Sample(1, 500, zero: false, ratio: 1e-3);
        Assert.Null(GradientFreeze.Of(LayerSeries.Of(samples), Constant, T.FrozenLossSpread));
    }

    [Fact]
    public void A_frozen_classifier_whose_loss_is_its_error_rate_at_the_clip_has_a_saturated_output()
    {
        // Sigmoid outputs under categorical crossentropy, which clips them (Keras reads logits behind a softmax only):
        // 67.6% accuracy, loss 0.324 x -ln(1e-7) = 5.2222.
        var detection = Assert.Single(new ClippedOutputDetector().Detect(Frozen(5.2222, 0.676), T));
        var f = detection.Finding;
        Assert.Equal(FindingCodes.SaturatedActivations, f.Code);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("dense_9", f.Layer);
        Assert.Equal(100L, f.Step);
        Assert.Equal(FixCodes.LowerLearningRate, f.Fixes[0].Code);
        Assert.Contains("clipped probability 1E-07", f.Message);
        Assert.Equal(16.1181, -Math.Log(Loss.Epsilon), 1e-4); // Keras's backend epsilon 1e-7 (keras.config.epsilon())
    }

    [Fact]
    public void Other_frozen_or_clipped_runs_are_not_a_pinned_output()
    {
        var detector = new ClippedOutputDetector();
        Assert.Empty(detector.Detect(Frozen(4.0, 0.676), T));                                   // loss not at the clip
        Assert.Empty(detector.Detect(Frozen(1.6e-6, 1.0), T));                                  // every sample right: a finished fit
        Assert.Empty(detector.Detect(Frozen(5.2222, 0.676, zeroFrom: 6), T));                  // gradients still flow
        Assert.Empty(detector.Detect(Frozen(5.2222, 0.676, new CategoricalCrossentropy(fromLogits: true)), T)); // logits are not clipped
        Assert.Empty(detector.Detect(Frozen(5.2222, 0.676, new MeanSquaredError()), T));
        Assert.Empty(detector.Detect(Frozen(5.2222, 0.676, activation: "softmax"), T));       // the loss reads the softmax's logits
        Assert.Empty(detector.Detect(Frozen(5.2222, 0.676, new BinaryCrossentropy(), activation: "sigmoid"), T)); // and the sigmoid's
        var oneUnitSoftmax = Frozen(5.2222, 0.676);
        var model = oneUnitSoftmax.Model with { Output = new OutputLayer("dense_9", 1, 1, "softmax", Probabilities: true), Loss = new BinaryCrossentropy() };
        Assert.Null(PinnedOutput.Of(model, oneUnitSoftmax.Curve, T)); // constant by construction: missing_gradients' finding
        var linear = oneUnitSoftmax.Model with { Output = new OutputLayer("dense_9", 1, 3, "linear") };
        Assert.Null(PinnedOutput.Of(linear, oneUnitSoftmax.Curve, T));  // clipped for being out of range: loss_output_mismatch's finding
    }

    [Fact]
    public void An_output_pinned_from_the_first_step_is_the_initial_weights_doing_not_a_missing_gradient()
    {
        // No sampled step ever had a gradient, loss 14.24 at 11.6% accuracy (0.884 x 16.118 = 14.25): kernels drawn so
        // large that the first prediction already sat at the clip.
        var q = Frozen(14.24, 0.1164, zeroFrom: 0);
        Assert.Null(q.Freeze);
        var f = Assert.Single(new ClippedOutputDetector().Detect(q, T)).Finding;
        Assert.Equal(FixCodes.FixInitialization, f.Fixes[0].Code);
        Assert.Contains("from the first step on", f.Message);
        Assert.Contains("the initial weights put it there", f.Message);
        Assert.Empty(new MissingGradientsDetector().Detect(q, T));
        // Without the loss at the clip the zero gradients are a missing path again.
        Assert.NotEmpty(new MissingGradientsDetector().Detect(Frozen(1.0, 0.1164, zeroFrom: 0), T));
    }

    [Fact]
    public void The_learning_rate_is_read_from_the_steps_before_the_freeze()
    {
        var q = Frozen(5.2222, 0.676);
        var detection = Assert.Single(new LearningRateTooHighDetector().Detect(q, T));
        Assert.Equal(0.4, (double)detection.Finding.Evidence["update_ratio"], 1e-6);
        Assert.StartsWith("Each step before training froze changes the weights by 40.0 %", detection.Finding.Message);
        // The same samples without the freeze: the zero steps after it make the median 0.
        Assert.Empty(new LearningRateTooHighDetector().Detect(q with { Freeze = null, Curve = q.Curve with { Losses = [5.2, 5.2, 5.2] } }, T));
    }

    [Fact]
    public void A_frozen_plateau_offers_only_smaller_first_steps()
    {
        var q = Frozen(5.2222, 0.676) with { Learned = false };
        var plateau = Assert.Single(new PlateauDetector().Detect(q, T));
        Assert.Equal([FixCodes.LowerLearningRate], plateau.Finding.Fixes.Select(f => f.Code));
        Assert.Contains("exactly zero since epoch 1, step 100", plateau.Finding.Message);
        var moving = Assert.Single(new PlateauDetector().Detect(q with { Freeze = null }, T));
        Assert.Contains(FixCodes.UseAdam, moving.Finding.Fixes.Select(f => f.Code));
    }

    [Fact]
    public void The_batch_1_blobs_program_has_too_large_steps_and_no_output_pinned_at_the_clip()
    {
        // Its softmax output's crossentropy reads the logits, as Keras's TensorFlow backend does: however large the steps,
        // a wrong prediction still passes back p − t, so nothing freezes at the clip.
        var file = Path.Combine(ClinicSuiteTests.SuiteFolder(), "published", "autotrainer-dl-unstable-blobs-batch1-buggy.json");
        var result = SuiteRunner.RunCase(file, repair: false);
        Assert.Equal(FindingCodes.LearningRateTooHigh, result.Primary);
        Assert.DoesNotContain(FindingCodes.SaturatedActivations, result.Found);
    }

    [Fact]
    public void Every_mistake_at_the_clip_under_a_summed_loss_is_the_steps_doing_while_gradients_still_flow()
    {
        // Sigmoid outputs under SGD at 0.01 on a categorical cross-entropy summed over batches of 1,000 rows, 70.2%
        // accuracy, 4,797 per batch = 4.797 per row = 0.298 x 16.118.
        var q = Flowing(4797, 0.702, new CategoricalCrossentropy(reduction: Loss.Sum), adaptive: false);
        Assert.Equal(1000, q.Model.LossRowsSummed);
        Assert.Equal(10, q.Model.EffectiveLearningRate, 1e-9);
        Assert.Equal(4.797, q.Pinned!.Loss, 1e-9);
        var clipped = Assert.Single(new ClippedOutputDetector().Detect(q, T));
        Assert.Equal(FindingCodes.SaturatedActivations, clipped.Finding.Code);
        Assert.Equal(Severity.Warning, clipped.Floor);
        Assert.Contains("sums the 1000 rows", clipped.Finding.Message);
        var rate = Assert.Single(new LearningRateTooHighDetector().Detect(q, T));
        Assert.Equal(Severity.Warning, rate.Floor);
        Assert.Contains("a rate of 10 on Keras's mean loss", rate.Finding.Message);
        Assert.Equal(FixCodes.LowerLearningRate, rate.Finding.Fixes[0].Code);

        // Under Keras's mean the same figures are no pinned output; under Adam the sum's scale divides out, and a loss that
        // matches the clip's arithmetic while gradients flow at an ordinary rate can be chance: no finding either way.
        Assert.Null(Flowing(4797, 0.702, new CategoricalCrossentropy(), adaptive: false).Pinned);
        var adam = Flowing(4797, 0.702, new CategoricalCrossentropy(reduction: Loss.Sum), adaptive: true);
        Assert.Equal(0.01, adam.Model.EffectiveLearningRate);
        Assert.Empty(new ClippedOutputDetector().Detect(adam, T));
        Assert.DoesNotContain(new LearningRateTooHighDetector().Detect(adam, T), d => d.Floor == Severity.Warning);
        // A loss still falling that matches the clip's arithmetic is a fit in progress: its mistakes are still corrected.
        var falling = Flowing(4797, 0.702, new CategoricalCrossentropy(reduction: Loss.Sum), adaptive: false, falling: true);
        Assert.False(falling.MistakesPinnedBySteps(T));
        Assert.Empty(new ClippedOutputDetector().Detect(falling, T));
    }

    [Fact]
    public void A_loss_bouncing_back_up_under_steps_above_umlauts_bound_is_the_learning_rate()
    {
        // The summed-loss program once its crossentropy reads the softmax's logits: nothing pins at the clip, the loss bounces.
        var q = Flowing(4797, 0.702, new CategoricalCrossentropy(reduction: Loss.Sum), adaptive: false);
        double[] bouncing = [900, 600, 800, 500, 700, 450, 650];
        q = q with { Curve = q.Curve with { Losses = bouncing, Accuracy = [.. bouncing.Select(l => 1 - l / 2000)] }, Pinned = null };
        Assert.Equal((3, 6), q.Oscillation(T));
        var rate = Assert.Single(new LearningRateTooHighDetector().Detect(q, T));
        Assert.Equal(Severity.Warning, rate.Floor);
        Assert.StartsWith("The loss goes back up in 3 of 6 epochs under steps of learning rate 0.01 on a loss that sums", rate.Finding.Message);
        // Under Keras's mean loss the same rate is within UMLAUT's bound: the bounce alone is oscillating_loss's finding.
        var mean = q with { Model = q.Model with { Loss = new CategoricalCrossentropy() } };
        Assert.Empty(new LearningRateTooHighDetector().Detect(mean, T));
        Assert.Single(new OscillationDetector().Detect(mean, T));
    }

    private static Quantities Flowing(double loss, double accuracy, Loss lossFunction, bool adaptive, bool falling = false)
    {
        var layers = LayerSeries.Of(Run(zeroFrom: int.MaxValue, firstRatio: 1e-3));
        var model = new ModelQuantities
        {
            Output = new OutputLayer("dense_9", 1, 10, "sigmoid", Probabilities: true), Loss = lossFunction,
            OptimizerClass = adaptive ? "Adam" : "SGD", AdaptiveOptimizer = adaptive, LearningRate = 0.01, BatchSize = 1000, TrainableWeights = 2,
        };
        double[] losses = falling ? [loss * 1.5, loss * 1.2, loss] : [loss * 1.001, loss, loss];
        var curve = new LossCurve { Losses = losses, Accuracy = [accuracy, accuracy, accuracy], InitialLoss = loss * 2, EarlyLoss = loss * 2 };
        return new Quantities
        {
            Model = model, Layers = layers, Curve = curve, Learned = true,
            Freeze = GradientFreeze.Of(layers, losses, T.FrozenLossSpread),
            Pinned = PinnedOutput.Of(model, curve, T),
        };
    }

    private static Quantities Frozen(double loss, double accuracy, Loss? lossFunction = null, int zeroFrom = 1, string activation = "sigmoid")
    {
        var layers = LayerSeries.Of(Run(zeroFrom));
        var model = new ModelQuantities
        {
            Output = new OutputLayer("dense_9", 1, 3, activation, Probabilities: true), Loss = lossFunction ?? new CategoricalCrossentropy(),
            OptimizerClass = "SGD", LearningRate = 0.01, TrainableWeights = 4,
        };
        var curve = new LossCurve { Losses = [loss, loss, loss], Accuracy = [accuracy, accuracy, accuracy], InitialLoss = loss, EarlyLoss = loss };
        return new Quantities
        {
            Model = model, Layers = layers, Curve = curve,
            Freeze = GradientFreeze.Of(layers, Constant, T.FrozenLossSpread),
            Pinned = PinnedOutput.Of(model, curve, T),
        };
    }

    private static readonly double[] Constant = [5.2222, 5.2222, 5.2222];

    private static LayerSample Sample(int layer, int step, bool zero, double ratio) => new()
    {
        Epoch = step / 500, Step = step, LayerIndex = layer, Layer = layer == 0 ? "dense_8" : "dense_9", Activation = layer == 0 ? "relu" : "softmax",
        KernelGradNorm = zero ? 0 : 1, BiasGradNorm = zero ? 0 : 1, UpdateRatio = ratio, WeightMean = 0, WeightStd = 0.1, ExpectedStd = 0.1,
        SaturatedFraction = double.NaN, DeadFraction = double.NaN, MeanAbsOutput = 0.5, GradientMissing = false, GradientAllZero = zero, NonFinite = false,
    };
}
