using Nabla.Cli.Clinic;
using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>
/// The doctor through time: the detector's thresholds on measured ratios, and a fast subset of the recurrent clinic
/// (tests/Clinic/recurrent, the cases <c>nabla clinic --rnn</c> runs) through the same runner.
/// </summary>
[Collection(DoctorCollection.Name)]
public class RecurrentClinicTests
{
    private static readonly DoctorThresholds T = new();

    private static string Case(string name) => Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", name + ".json");

    [Fact]
    public void A_simple_rnn_on_the_adding_problem_is_diagnosed_with_vanishing_gradients_through_time_and_repaired_to_a_gru()
    {
        var report = TrainingDoctor.Repair(ExperimentFile.Load(Case("vanishing-simplernn-adding50")));
        var finding = report.Original.Diagnosis.Findings.Single(f => f.Code == FindingCodes.VanishingGradients);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(FindingCodes.VanishingGradients, report.Original.Diagnosis.PrimaryCause);
        Assert.True((double)finding.Evidence["first_to_last_step_ratio"] < 1e-3);
        Assert.StartsWith("t=1: ", (string)finding.Evidence["state_gradient_norms"]);
        Assert.Contains("t=50: ", (string)finding.Evidence["state_gradient_norms"]);
        Assert.Equal([FixCodes.UseLstmOrGru, FixCodes.ShortenSequences], finding.Fixes.Select(f => f.Code));
        Assert.True(report.Succeeded);
        var kept = Assert.Single(report.Attempts, a => a.Kept);
        Assert.Equal(FixCodes.UseLstmOrGru, kept.Fix);
        Assert.Contains("SimpleRNN -> GRU", kept.Change);
        Assert.Empty(report.Best.Diagnosis.ProblemCodes);
    }

    [Fact]
    public void Kerass_seq2seq_model_is_healthy_when_it_learns_and_its_learning_rate_is_named_when_it_does_not()
    {
        var healthy = ExperimentResult.Run(ExperimentFile.Load(Case("healthy-seq2seq-lstm-reversal")));
        Assert.Empty(healthy.Diagnosis.ProblemCodes);
        // Chance is 25%: the decoder can know the symbols only through the encoder's states.
        Assert.True(healthy.Final["val_accuracy"] > 0.9, $"val_accuracy {healthy.Final["val_accuracy"]}");

        var report = TrainingDoctor.Repair(ExperimentFile.Load(Case("lr-too-low-seq2seq-sgd1e-5-reversal")));
        Assert.Equal(FindingCodes.LearningRateTooLow, report.Original.Diagnosis.PrimaryCause);
        Assert.True(report.Original.Final["val_accuracy"] < 0.3, $"val_accuracy {report.Original.Final["val_accuracy"]}");
        Assert.True(report.Succeeded);
        Assert.True(report.Best.Final["val_accuracy"] > 0.9, $"repaired val_accuracy {report.Best.Final["val_accuracy"]}");
    }

    [Fact]
    public void An_exploding_relu_rnn_is_repaired_by_clipping_its_gradients_and_then_learns()
    {
        var report = TrainingDoctor.Repair(ExperimentFile.Load(Case("exploding-simplernn-relu-identity16-sgd-momentum")));
        Assert.Contains(FindingCodes.ExplodingGradients, report.Original.Diagnosis.ProblemCodes);
        var rate = report.Original.Diagnosis.Findings.Single(f => f.Code == FindingCodes.LearningRateTooHigh);
        // The probe saw a tenth of the rate blow up too, so clipping comes before a smaller rate.
        Assert.Equal(FixCodes.ClipGradients, rate.Fixes[0].Code);
        Assert.True(report.Succeeded);
        var kept = Assert.Single(report.Attempts, a => a.Kept);
        Assert.Equal(FixCodes.ClipGradients, kept.Fix);
        Assert.Contains("clipnorm", kept.Change);
        Assert.True(report.Best.Final["val_loss"] < 0.1, $"val_loss {report.Best.Final["val_loss"]}"); // the mean's is 1/6
    }

    [Fact]
    public void The_loss_peak_and_the_probe_at_a_tenth_of_the_rate_are_read_as_the_exploding_evidence_says()
    {
        var curve = new LossCurve { Losses = [3, double.NaN, 1e27, 4e4], InitialLoss = 100 };
        Assert.Equal((2, 1e27), curve.PeakLoss);
        Assert.Null(new LossCurve { Losses = [double.NaN] }.PeakLoss);
        // A tenth of the rate raising the loss by more than the probe's minimum fall is "rising"; less is noise.
        Assert.True(new LearningRateResponse(0.01, 24, -1e6, double.NegativeInfinity, double.NegativeInfinity).LossRisesAtTenth(T));
        Assert.False(new LearningRateResponse(0.01, 24, -0.5 * T.ProbeMinimumFall, -1, -1).LossRisesAtTenth(T));
        var q = new Quantities { Model = new ModelQuantities(), Curve = curve };
        var exploding = Assert.Single(new ExplodingGradientsDetector().Detect(q, T)).Finding;
        Assert.Equal(3.0, Convert.ToDouble(exploding.Evidence["epoch"]));
    }

    [Theory]
    [InlineData("healthy-gru-adding50")]
    [InlineData("healthy-lstm-early-sign20")]
    [InlineData("healthy-gru-bias1-adding20")]
    public void Healthy_recurrent_case_raises_no_alarm(string name)
    {
        var result = SuiteRunner.RunCase(Case(name), repair: false);
        Assert.True(result.ExpectedHealthy);
        Assert.False(result.FalsePositive, $"found [{string.Join(", ", result.Found)}]");
    }

    [Fact]
    public void The_recurrent_suite_has_six_faulty_and_three_healthy_cases()
    {
        var expectations = Directory.GetFiles(Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent"), "*.json")
            .Select(ExperimentFile.ReadExpectation).ToList();
        Assert.True(expectations.Count(e => !e.healthy) >= 6);
        Assert.True(expectations.Count(e => e.healthy) >= 3);
        Assert.True(expectations.Count(e => e.codes.Contains(FindingCodes.VanishingGradients)) >= 2);
        Assert.Contains(expectations, e => e.codes.Contains(FindingCodes.ExplodingGradients));
    }

    [Theory]
    [InlineData(5e-4, FindingCodes.VanishingGradients)]
    [InlineData(2e-3, null)]
    [InlineData(1.0, null)]
    [InlineData(60.0, null)]
    [InlineData(80.0, FindingCodes.ExplodingGradients)]
    public void The_detector_compares_the_median_first_to_last_step_ratio_with_the_thresholds(double ratio, string? code)
    {
        var t = new DoctorThresholds();
        // Issue and DoctorThresholds: AUTOTRAINER's 1e-3 and 70, applied between the first and the last step.
        Assert.Equal(1e-3, t.VanishingThroughTimeRatio);
        Assert.Equal(70, t.ExplodingThroughTimeRatio);
        // Three samples: the median is the middle ratio, not the extreme ones.
        var samples = new[] { ratio / 1000, ratio, ratio * 1000 }.Select((r, i) => Sample(i, r)).ToList();
        var q = new Quantities { Model = new ModelQuantities(), Layers = LayerSeries.Of(samples) };
        var found = new GradientsThroughTimeDetector().Detect(q, t).Select(d => d.Finding).ToList();
        if (code is null) Assert.Empty(found);
        else Assert.Equal(code, Assert.Single(found).Code);
    }

    [Fact]
    public void The_gru_repair_reaches_a_simple_rnn_inside_a_bidirectional_wrapper()
    {
        var e = ExperimentFile.Load(Case("healthy-bidirectional-lstm-adding20"));
        var wrapped = e.LayerConfigs()[0].GetConfig("config")!.GetConfig("layer")!;
        wrapped["class_name"] = "SimpleRNN";
        var (changed, change) = Repairs.Apply(FixCodes.UseLstmOrGru, e, e.BuildModel())!.Value;
        Assert.Equal("GRU", changed.LayerConfigs()[0].GetConfig("config")!.GetConfig("layer")!.GetString("class_name"));
        Assert.Contains("SimpleRNN -> GRU", change);
        var model = changed.BuildModel();
        Assert.Equal(2 * 3 * (2 * 32 + 32 * 32 + 2 * 32), model.Layers[0].CountParams()); // two GRU(32) over 2 features, reset_after
    }

    [Fact]
    public void A_gated_layer_is_not_told_to_become_an_lstm_or_a_gru()
    {
        var gated = Sample(0, 1e-6) with { Gates = [new GateSample("forget", 0, 0)] };
        var q = new Quantities { Model = new ModelQuantities(), Layers = LayerSeries.Of([gated]) };
        var finding = Assert.Single(new GradientsThroughTimeDetector().Detect(q, new DoctorThresholds())).Finding;
        Assert.Equal(FindingCodes.VanishingGradients, finding.Code);
        Assert.Equal([FixCodes.ShortenSequences], finding.Fixes.Select(f => f.Code));
    }

    [Fact]
    public void The_ratio_is_first_over_last_step_and_undefined_without_a_gradient_at_the_last()
    {
        Assert.Equal(0.25, StateGradientRatio.Of([1f, 2f, 4f]));
        Assert.True(double.IsNaN(StateGradientRatio.Of([1f, 0f])));
        Assert.True(double.IsNaN(StateGradientRatio.Of(null)));
        Assert.Equal("t=1: 1, t=2: 2, t=3: 4", StateGradientRatio.Sampled([1f, 2f, 4f]));
    }

    private static LayerSample Sample(int step, double ratio) => new()
    {
        Epoch = 0, Step = step, LayerIndex = 0, Layer = "simple_rnn", Activation = "tanh", KernelGradNorm = 1, BiasGradNorm = 1,
        UpdateRatio = 1e-3, WeightMean = 0, WeightStd = 0.1, ExpectedStd = 0.1, SaturatedFraction = 0, DeadFraction = double.NaN,
        MeanAbsOutput = 0.5, GradientMissing = false, GradientAllZero = false, NonFinite = false,
        StateGradientRatio = ratio, StateGradientNorms = "t=1: 1",
    };
}
