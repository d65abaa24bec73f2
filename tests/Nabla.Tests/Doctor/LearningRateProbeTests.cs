using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;
using Nabla.Data;

namespace Nabla.Tests.Doctor;

/// <summary>The learning-rate probe: the same steps from the same start at lr/10, lr and lr×10, read by the
/// learning-rate findings.</summary>
[Collection(DoctorCollection.Name)]
public class LearningRateProbeTests
{
    private static Experiment Regressor(string optimizer, int epochs = 6) =>
        Make([Dense(32, "relu", He, inputs: 10), Dense(1)], optimizer, "mse", Regression(samples: 600), epochs: epochs, metrics: "[]");

    [Fact]
    public void A_rate_far_too_low_answers_ten_times_faster_at_ten_times_the_rate()
    {
        var r = LearningRateProbe.Run(Regressor(Optimizer("SGD", 1e-4)));
        Assert.NotNull(r);
        Assert.Equal(LearningRateProbe.Steps, r.Steps);
        Assert.Equal(1e-4, r.LearningRate, 1e-12);
        Assert.True(r.FallAtTenTimes > 3 * r.FallAtRate && r.FallAtTenTimes > 0.05, $"{r}");
        Assert.True(r.FavorsHigher(new DoctorThresholds()));
        Assert.False(r.FavorsLower(new DoctorThresholds()));
    }

    [Fact]
    public void A_rate_schedule_is_probed_scaled_as_a_whole_from_its_first_rate()
    {
        // Keras's ExponentialDecay from 1e-4: a schedule's rate cannot be set, so the probe scales every rate it gives.
        const string schedule = """{"class_name": "SGD", "config": {"learning_rate": {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 1e-4, "decay_steps": 10, "decay_rate": 0.9}}}}""";
        var experiment = Regressor(schedule);
        var r = LearningRateProbe.Run(experiment);
        Assert.NotNull(r);
        Assert.Equal(1e-4, r.LearningRate, 1e-12);
        Assert.True(r.FavorsHigher(new DoctorThresholds()), $"{r}");

        var optimizer = experiment.BuildModel().Optimizer!;
        double[] rates = [optimizer.LearningRate];
        optimizer.ScheduleScale = 10;
        Assert.Equal(10 * rates[0], optimizer.LearningRate, 1e-15);
        Assert.Equal(10 * optimizer.Schedule!.At(0), optimizer.LearningRate, 1e-15);
    }

    [Fact]
    public void A_rate_that_diverges_makes_no_progress_where_a_tenth_of_it_does()
    {
        var r = LearningRateProbe.Run(Regressor(Optimizer("SGD", 2.0)));
        Assert.NotNull(r);
        Assert.True(r.FallAtRate < 0.05 && r.FallAtTenth > 0.05, $"{r}");
        Assert.True(r.FavorsLower(new DoctorThresholds()));
        Assert.False(r.FavorsHigher(new DoctorThresholds()));
    }

    [Fact]
    public void A_rate_so_low_that_the_loss_falls_in_proportion_to_it_is_too_low_however_small_the_falls()
    {
        // The same regressor at SGD 1e-6: 24 steps move its loss by far less than the probe's 5% minimum fall at every rate,
        // but each tenfold rate buys a tenfold fall (the first-order regime).
        var r = LearningRateProbe.Run(Regressor(Optimizer("SGD", 1e-6)));
        Assert.NotNull(r);
        var t = new DoctorThresholds();
        Assert.False(r.ClearlyFasterAtTenTimes(t), $"{r}");
        Assert.True(r.InProportion(t), $"{r}");
        Assert.True(r.FavorsHigher(t));
        Assert.False(r.FavorsLower(t));

        // With momentum the weights move by more than DeepDiagnosis's 1e-5 of their size per step, so only the probe names
        // the rate, and only by its proportion: ten times the rate still lowers the loss by about 2% in 24 steps.
        var d = Diagnose(Regressor("""{"class_name": "SGD", "config": {"learning_rate": 3e-6, "momentum": 0.9}}""", epochs: 3));
        var f = Single(d, FindingCodes.LearningRateTooLow);
        Assert.True(Number(f, "update_ratio") > t.MinUpdateRatio);
        Assert.True(Number(f, "probe_fall_at_ten_times") < t.ProbeMinimumFall);
        Assert.StartsWith("The loss falls in proportion to the learning rate 3E-06", f.Message);
        Assert.Equal(0.8, Number(f, "probe_linear_share"));
    }

    [Theory]
    [InlineData(0.0004, 0.0042, 0.042, true)]    // AUTOTRAINER's blobs at SGD 1e-6 from another draw: 10x and 10x
    [InlineData(0.0004, 0.0042, 0.025, false)]   // the larger step buys 6x: curvature already bends the response (a fixed BiLSTM's 6.3x)
    [InlineData(0.0004, 0.0025, 0.025, false)]   // the smaller step buys 6x
    [InlineData(0.0, 0.0002, 0.002, false)]      // no fall at a tenth: nothing to scale from
    [InlineData(0.00004, 0.00004, 0.00004, false)] // noise does not scale with the rate
    [InlineData(0.000001, 0.00001, 0.00009, false)] // below the float32 rounding floor
    [InlineData(0.006, 0.06, 0.6, false)]        // the rate itself makes real progress (5% or more): not too low by this rule
    public void A_proportional_response_needs_nearly_tenfold_falls_at_both_steps(double tenth, double rate, double tenTimes, bool inProportion)
    {
        var r = new LearningRateResponse(1e-6, 24, tenth, rate, tenTimes);
        Assert.Equal(inProportion, r.InProportion(new DoctorThresholds()));
    }

    [Theory]
    [InlineData(0.197, -0.136, 0.487, "higher")] // a linear output under categorical cross-entropy: the rate in a dip of the clipped loss
    [InlineData(0.487, -0.136, 0.197, "lower")]
    [InlineData(0.3, -0.1, 0.3, "higher")]       // a tie goes to the larger rate, which the probe measured as no worse
    public void A_rate_behind_both_neighbours_points_one_way_only_the_one_that_fell_more(double tenth, double rate, double tenTimes, string way)
    {
        var r = new LearningRateResponse(1e-3, 24, tenth, rate, tenTimes);
        var t = new DoctorThresholds();
        Assert.Equal(way == "higher", r.FavorsHigher(t));
        Assert.Equal(way == "lower", r.FavorsLower(t));
    }

    [Theory]
    [InlineData("functional-healthy-two-input")]
    [InlineData("functional-healthy-two-output")]
    public void Data_cut_into_several_inputs_or_outputs_is_probed_as_the_run_cuts_it(string name)
    {
        var experiment = ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), name + ".json"));
        Assert.True(experiment.SplitsData);
        var r = LearningRateProbe.Run(experiment);
        Assert.NotNull(r);
        // A healthy Adam model learns at its own rate; each of the three runs measured a finite fall on the probe rows.
        Assert.True(double.IsFinite(r.FallAtTenth) && double.IsFinite(r.FallAtRate) && double.IsFinite(r.FallAtTenTimes), $"{r}");
        Assert.True(r.FallAtRate > 0.05, $"{r}");
    }

    [Fact]
    public void The_probe_measures_the_loss_the_steps_lower_so_batch_normalization_does_not_hide_it()
    {
        // Inputs a thousand times too small behind a first BatchNormalization: training scales them up by the batch's own
        // statistics and Adam lowers that loss quickly, while inference reads moving statistics that 24 steps at Keras's
        // momentum 0.99 move only a fifth of the way, so its logits stay near zero and its loss near ln 4 at any rate.
        const string norm = """{"class_name": "BatchNormalization", "config": {"batch_input_shape": [null, 20]}}""";
        var experiment = Make([norm, Dense(32, "relu", He), Dense(4, "softmax")], Optimizer("Adam", 1e-3),
            "sparse_categorical_crossentropy", Classification(samples: 800, scale: 1e-3), epochs: 3);
        var r = LearningRateProbe.Run(experiment);
        Assert.NotNull(r);
        Assert.True(r.FallAtTenTimes > 0.1 && r.FallAtTenTimes > r.FallAtRate && r.FallAtRate > 0.01, $"{r}");

        var model = experiment.BuildModel();
        var x = experiment.Inputs(Preprocessing.RowRange(experiment.X, 0, 256));
        var y = experiment.Targets(model, Preprocessing.RowRange(experiment.Y, 0, 256));
        Assert.Equal(Math.Log(4), model.Evaluate(x, y, batchSize: 256)["loss"], 0.01);
    }

    [Fact]
    public void The_probe_does_not_change_the_run()
    {
        var experiment = Regressor("\"adam\"", epochs: 2);
        var probed = ExperimentResult.Run(experiment);
        var plain = ExperimentResult.Run(experiment, new DoctorOptions { ProbeLearningRate = false });
        Assert.Equal(plain.Loss, probed.Loss);
        Assert.Equal(plain.Model.GetWeights()[0].Data, probed.Model.GetWeights()[0].Data);
    }

    [Fact]
    public void A_slow_rate_is_named_from_the_probe_with_its_measured_falls()
    {
        // Momentum SGD at 1e-4 moves each weight by more than 1e-5 of its size per step, so the update ratio alone misses it.
        var d = Diagnose(Make([Dense(32, "relu", He, inputs: 20), Dense(4, "softmax")],
            """{"class_name": "SGD", "config": {"learning_rate": 1e-4, "momentum": 0.9}}""", "sparse_categorical_crossentropy", Classification(samples: 800), epochs: 3));
        var f = Single(d, FindingCodes.LearningRateTooLow);
        Assert.Equal(FindingCodes.LearningRateTooLow, d.PrimaryCause);
        Assert.True(Number(f, "probe_fall_at_ten_times") >= 3 * Math.Max(0, Number(f, "probe_fall_at_rate")));
        Assert.StartsWith("Ten times the learning rate", f.Message);
        Assert.Contains("Probe: over 24 steps from the same start", f.Message);
    }
}
