using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>A training loss that found a minimum and climbed back out of it for good (<see cref="Relapse"/>): the steps
/// are too large to stay in it, named as <c>learning_rate_too_high</c>.</summary>
public class RelapseTests
{
    private static LossCurve Curve(double[] losses, double initial = 1.1) =>
        new() { Losses = losses, InitialLoss = initial, EarlyLoss = initial };

    /// <summary>AUTOTRAINER's blobs under Adam(1) from the draw two after its own, rounded: 91% by epoch 8, then the
    /// loss jumps and the model sits at 67% for the rest of the run.</summary>
    private static readonly double[] ClimbedOut =
        [16.4, 1.31, 0.385, 0.217, 0.237, 0.298, 0.244, 0.207, 0.231, 0.252, 0.487, 0.465, 0.462, 0.486, 0.477, 0.463,
         0.488, 0.477, 0.470, 0.470, 0.526, 0.495, 0.470, 0.499, 0.545];

    [Fact]
    public void A_loss_that_doubled_from_its_best_and_stayed_there_relapsed()
    {
        var relapse = Relapse.Of(Curve(ClimbedOut), new DoctorThresholds());
        Assert.NotNull(relapse);
        Assert.Equal(7, relapse.BestEpoch);
        Assert.Equal(0.207, relapse.BestLoss);
        Assert.Equal((0.526 + 0.495 + 0.470 + 0.499 + 0.545) / 5, relapse.RecentLoss, 12);
        Assert.Equal(5, relapse.Epochs);
    }

    [Fact]
    public void Noise_one_bad_epoch_and_the_last_decimals_of_a_loss_near_zero_are_not_a_relapse()
    {
        var t = new DoctorThresholds();
        // Minibatch noise around a plateau: at most 1.3 times the best.
        Assert.Null(Relapse.Of(Curve([1.0, 0.6, 0.4, 0.35, 0.33, 0.40, 0.36, 0.42, 0.38, 0.41, 0.37]), t));
        // One bad epoch among the last five does not double their mean.
        Assert.Null(Relapse.Of(Curve([1.0, 0.6, 0.4, 0.3, 0.3, 0.3, 0.9, 0.3, 0.3, 0.3]), t));
        // Doubling, but at 0.001 after a fall from 0.69: a thousandth of the way back up.
        Assert.Null(Relapse.Of(Curve([0.6, 0.2, 0.05, 0.01, 0.001, 0.002, 0.002, 0.002, 0.002, 0.002], initial: 0.69), t));
        // The same climb counts once it gives back a tenth of the fall.
        Assert.NotNull(Relapse.Of(Curve([0.6, 0.2, 0.05, 0.01, 0.001, 0.08, 0.08, 0.08, 0.08, 0.08], initial: 0.69), t));
    }

    [Fact]
    public void Runs_it_cannot_judge_have_no_relapse()
    {
        var t = new DoctorThresholds();
        Assert.Null(Relapse.Of(Curve([1.0, 0.2, 0.9, 0.9, 0.9, 0.9]), t));
        Assert.Null(Relapse.Of(new LossCurve { Losses = ClimbedOut }, t));
        Assert.Null(Relapse.Of(Curve(ClimbedOut) with { FirstNonFinite = (3, 10, double.NaN) }, t));
        // A loss that can go negative (cosine similarity) has no floor to compare ratios above.
        Assert.Null(Relapse.Of(Curve([0.5, -0.2, -0.5, -0.6, -0.3, -0.3, -0.3, -0.3, -0.3]), t));
    }

    [Fact]
    public void A_climb_after_the_epoch_whose_weights_early_stopping_restored_is_not_in_the_model()
    {
        var t = new DoctorThresholds();
        Assert.NotNull(Relapse.Of(Curve(ClimbedOut), t, heldEpoch: 24));
        Assert.Null(Relapse.Of(Curve(ClimbedOut), t, heldEpoch: 9));
    }

    [Fact]
    public void A_relapse_names_the_rate_and_costs_a_warning_in_a_run_that_learned()
    {
        var t = new DoctorThresholds();
        var curve = Curve(ClimbedOut) with { Accuracy = [.. ClimbedOut.Select(l => l < 0.3 ? 0.9 : 0.67)] };
        var q = new Quantities
        {
            Model = new ModelQuantities { OptimizerClass = "Adam", AdaptiveOptimizer = true, LearningRate = 1 },
            Curve = curve,
            Learned = false,
            Relapse = Relapse.Of(curve, t),
        };
        var detection = Assert.Single(new LearningRateTooHighDetector().Detect(q, t));
        Assert.Equal(Severity.Warning, detection.Floor);
        Assert.Equal(FindingCodes.LearningRateTooHigh, detection.Finding.Code);
        Assert.StartsWith("The training loss fell to 0.207 (epoch 8), then climbed back to a mean of 0.507 over the last 5 epochs",
            detection.Finding.Message);
        Assert.Equal(8, detection.Finding.Evidence["relapse_best_epoch"]);
        Assert.Equal(FixCodes.LowerLearningRate, detection.Finding.Fixes[0].Code);
        // Without the relapse nothing here names the rate.
        Assert.Empty(new LearningRateTooHighDetector().Detect(q with { Relapse = null }, t));
    }

    [Fact]
    public void A_climb_under_a_crossentropy_that_clips_a_linear_output_is_the_outputs_drifting_not_the_rate()
    {
        var t = new DoctorThresholds();
        var curve = Curve(ClimbedOut);
        var model = new ModelQuantities
        {
            OptimizerClass = "Adam", AdaptiveOptimizer = true, LearningRate = 1e-2,
            Output = new OutputLayer("dense_2", 2, 1, "linear"), Loss = new Nabla.Losses.BinaryCrossentropy(),
        };
        Assert.True(model.OutputOutsideLossRange);
        var q = new Quantities { Model = model, Curve = curve, Learned = false, Relapse = Relapse.Of(curve, t) };
        Assert.NotNull(q.Relapse);
        Assert.Empty(new LearningRateTooHighDetector().Detect(q, t));
        // The same climb with a sigmoid output is the rate's.
        var sigmoid = q with { Model = model with { Output = new OutputLayer("dense_2", 2, 1, "sigmoid", Probabilities: true) } };
        Assert.False(sigmoid.Model.OutputOutsideLossRange);
        Assert.Single(new LearningRateTooHighDetector().Detect(sigmoid, t));
    }
}
