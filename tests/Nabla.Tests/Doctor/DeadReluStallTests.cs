using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>ReLU units dead while a classifier sat below the learning gate, measured over those epochs (AUTOTRAINER reports
/// gradient problems only below Theta), even when they revived and the model learned later.</summary>
public class DeadReluStallTests
{
    private static LayerSample Sample(int epoch, int layerIndex, double dead, double zeroGradients) => new()
    {
        Epoch = epoch, Step = epoch * 10L, LayerIndex = layerIndex, Layer = $"dense_{layerIndex}", Activation = "relu",
        KernelGradNorm = 1e-2, BiasGradNorm = 1e-2, UpdateRatio = 1e-3, WeightMean = 0, WeightStd = 0.3, ExpectedStd = 0.6,
        SaturatedFraction = double.NaN, DeadFraction = dead, ZeroGradientFraction = zeroGradients, MeanAbsOutput = 0.2,
        GradientMissing = false, GradientAllZero = false, NonFinite = false,
    };

    /// <summary>A first ReLU layer that stays alive and a second one whose units are dead in the epochs the training
    /// accuracy lies below Theta (0.7) and revive afterwards.</summary>
    private static Quantities Run(double[] accuracy, Func<double, (double dead, double zero)> second, bool learned)
    {
        var samples = new List<LayerSample>();
        for (int epoch = 0; epoch < accuracy.Length; epoch++)
        {
            samples.Add(Sample(epoch, 0, 0, 0));
            var (dead, zero) = second(accuracy[epoch]);
            samples.Add(Sample(epoch, 1, dead, zero));
        }
        var curve = new LossCurve { Losses = [.. accuracy.Select(a => 1 - a)], Accuracy = accuracy, InitialLoss = 1, EarlyLoss = 1 };
        var t = new DoctorThresholds();
        return new Quantities
        {
            Model = new ModelQuantities { OptimizerClass = "Adam", AdaptiveOptimizer = true, LearningRate = 1e-3 },
            Layers = LayerSeries.Of(samples),
            Curve = curve,
            Learned = learned,
            Stalled = StalledEpochs.Of(curve, t, training: null),
        };
    }

    private static (double, double) DeadWhileBelowTheta(double accuracy) => accuracy < 0.7 ? (0.8, 0.9) : (0.2, 0.3);

    [Fact]
    public void Units_dead_through_a_stall_that_revived_cost_a_warning_with_the_stalled_epochs()
    {
        double[] accuracy = [0.5, 0.5, 0.5, 0.5, 0.8, 0.85, 0.85, 0.86, 0.86, 0.86, 0.86, 0.86];
        var q = Run(accuracy, DeadWhileBelowTheta, learned: true);
        var detection = Assert.Single(new DeadReluDetector().Detect(q, new DoctorThresholds()));
        Assert.Equal(Severity.Warning, detection.Floor);
        var f = detection.Finding;
        Assert.Equal(FindingCodes.DeadRelu, f.Code);
        Assert.Equal("dense_1", f.Layer);
        Assert.Equal(4, f.Evidence["stalled_epochs"]);
        Assert.Equal(12, f.Evidence["epochs"]);
        Assert.Contains("4 of 12 epochs", f.Message);
        Assert.Contains("now 20 % dead", f.Message);
        // Dead from the first sampled step: the start is fixed first, then the leaky slope.
        Assert.Equal([FixCodes.FixInitialization, FixCodes.UseLeakyRelu, FixCodes.AddBatchNormalization], f.Fixes.Select(x => x.Code));
        var (findings, primary) = Decide.Run([detection], learned: true);
        Assert.Equal(Severity.Warning, Assert.Single(findings).Severity);
        Assert.Equal(FindingCodes.DeadRelu, primary);
    }

    [Fact]
    public void Units_dead_through_a_stall_and_still_dead_at_the_end_cost_a_warning_too()
    {
        // AUTOTRAINER's 35-layer ReLU MLP on MNIST: most gradients stay 0 throughout, the model crawls past Theta late.
        double[] accuracy = [0.2, 0.3, 0.45, 0.5, 0.6, 0.75, 0.8, 0.85];
        var q = Run(accuracy, _ => (0.3, 0.75), learned: true);
        var detection = Assert.Single(new DeadReluDetector().Detect(q, new DoctorThresholds()));
        Assert.Equal(Severity.Warning, detection.Floor);
        Assert.Equal(5, detection.Finding.Evidence["stalled_epochs"]);
        Assert.Contains("are exactly 0", detection.Finding.Message);
        Assert.Contains("Over the 5 of 8 epochs in which the training accuracy stayed below 70.0 %, 75 % of its kernel gradient entries were 0",
            detection.Finding.Message);
        Assert.Equal(Severity.Warning, Decide.Run([detection], learned: true).findings[0].Severity);
    }

    [Fact]
    public void A_stall_shorter_than_one_autotrainer_check_is_not_enough()
    {
        // Two epochs below Theta: AUTOTRAINER, checking every 3 epochs, may never look inside them.
        double[] accuracy = [0.5, 0.5, 0.8, 0.85, 0.85, 0.86, 0.86, 0.86];
        Assert.Empty(new DeadReluDetector().Detect(Run(accuracy, DeadWhileBelowTheta, learned: true), new DoctorThresholds()));
    }

    [Theory]
    [InlineData(3, 20, Severity.Info)]     // 15% of the run: the first climb of a model that learned
    [InlineData(4, 20, Severity.Warning)]  // 20%: AUTOTRAINER's eta
    public void A_stall_costs_a_warning_only_as_a_real_share_of_a_run_that_learned(int stalledEpochs, int epochs, Severity floor)
    {
        double[] accuracy = [.. Enumerable.Range(0, epochs).Select(e => e < stalledEpochs ? 0.5 : 0.9)];
        var detection = Assert.Single(new DeadReluDetector().Detect(Run(accuracy, DeadWhileBelowTheta, learned: true), new DoctorThresholds()));
        Assert.Equal(floor, detection.Floor);
        Assert.Equal(stalledEpochs, detection.Finding.Evidence["stalled_epochs"]);
        Assert.Equal(floor, Decide.Run([detection], learned: true).findings[0].Severity);
    }

    [Fact]
    public void Units_alive_during_the_stall_are_not_blamed_for_it()
    {
        double[] accuracy = [0.5, 0.5, 0.5, 0.5, 0.8, 0.85, 0.85, 0.86];
        var q = Run(accuracy, a => a < 0.7 ? (0.2, 0.3) : (0.8, 0.9), learned: true);
        // Dead only after the model learned (and not at the end either, where the median of all samples counts).
        var late = Run(accuracy, a => (0.2, 0.3), learned: true);
        Assert.Empty(new DeadReluDetector().Detect(late, new DoctorThresholds()));
        var detection = Assert.Single(new DeadReluDetector().Detect(q, new DoctorThresholds()));
        // Dead at the end (the latest sample): the end rule, whose floor stays info when the model learned.
        Assert.Equal(Severity.Info, detection.Floor);
    }

    [Fact]
    public void A_model_that_never_learned_keeps_the_error()
    {
        double[] accuracy = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
        var detection = Assert.Single(new DeadReluDetector().Detect(Run(accuracy, DeadWhileBelowTheta, learned: false), new DoctorThresholds()));
        Assert.Equal(Severity.Error, Decide.Run([detection], learned: false).findings[0].Severity);
    }

    [Fact]
    public void The_stall_gate_is_raised_for_imbalanced_classes()
    {
        // Two thirds of the rows in one class: 72% is barely past the majority, below the raised gate (about 0.80).
        var curve = new LossCurve { Losses = [0.6, 0.5, 0.4], Accuracy = [0.66, 0.72, 0.9] };
        var stalled = StalledEpochs.Of(curve, new DoctorThresholds(), new ClassBalance(2, 2 / 3.0))!;
        Assert.Equal([0, 1], stalled.Epochs.Order());
        Assert.Equal(0.8, stalled.Gate, 1e-2);
        Assert.Equal([0], StalledEpochs.Of(curve, new DoctorThresholds(), training: null)!.Epochs);
        Assert.Null(StalledEpochs.Of(new LossCurve { Losses = [1.0, 0.5] }, new DoctorThresholds(), null));
    }
}
