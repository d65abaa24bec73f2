using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>too_few_epochs: a classifier that learned but was still gaining fast when its budget ran out.</summary>
[Collection(DoctorCollection.Name)]
public class TooFewEpochsTests
{
    private static Quantities Run(double[] accuracy, double[] losses, bool? learned = true) => new()
    {
        Model = new ModelQuantities(),
        Curve = new LossCurve { Losses = losses, Accuracy = accuracy, InitialLoss = losses[0], EarlyLoss = losses[0] },
        Learned = learned,
    };

    private static List<Detection> Detect(Quantities q) => new TooFewEpochsDetector().Detect(q, new DoctorThresholds()).ToList();

    [Fact]
    public void Fires_when_each_of_the_last_two_epochs_gained_at_least_three_points_while_the_loss_fell()
    {
        var d = Assert.Single(Detect(Run([0.40, 0.55, 0.63, 0.70], [2.0, 1.3, 1.07, 0.91])));
        Assert.Equal(FindingCodes.TooFewEpochs, d.Finding.Code);
        Assert.Equal(Severity.Warning, d.Floor);
        // A series is one string of its values, as every report (text, HTML, JSON) writes it.
        Assert.Equal("0.08 0.07", d.Finding.Evidence["accuracy_gains"]);
        Assert.Contains("accuracy_gains=0.08 0.07,", d.Finding.ToString());
        Assert.Equal(4, d.Finding.Evidence["epochs"]);
        Assert.Contains(d.Finding.Fixes, f => f.Code == FixCodes.TrainLonger);
        Assert.Contains("8.0", d.Finding.Message);
    }

    [Fact]
    public void Reports_the_validation_accuracy_over_the_same_epochs_without_requiring_it_to_rise()
    {
        var q = Run([0.40, 0.55, 0.63, 0.70], [2.0, 1.3, 1.07, 0.91]);
        var withValidation = q with { Curve = q.Curve with { ValidationAccuracy = [0.50, 0.80, 0.86, 0.95] } };
        var d = Assert.Single(Detect(withValidation));
        Assert.Equal("0.06 0.09", d.Finding.Evidence["validation_accuracy_gains"]);
        Assert.Equal(0.95, Convert.ToDouble(d.Finding.Evidence["validation_accuracy"]), 1e-6);
        Assert.Contains("its accuracy rose by 8.0 and 7.0 points", d.Finding.Message);
        Assert.Contains("Validation accuracy moved by 6.0 and 9.0 points over those epochs", d.Finding.Message);
        // A flat validation curve is reported as it is; the warning reads the training pace.
        var flat = q with { Curve = q.Curve with { ValidationAccuracy = [0.50, 0.80, 0.80, 0.80] } };
        Assert.Equal("0 0", Assert.Single(Detect(flat)).Finding.Evidence["validation_accuracy_gains"]);
        Assert.False(Assert.Single(Detect(q)).Finding.Evidence.ContainsKey("validation_accuracy_gains"));
    }

    [Theory]
    [InlineData(new[] { 0.40, 0.55, 0.63, 0.65 }, new[] { 2.0, 1.3, 1.07, 0.91 })] // last gain 2 points: slowing down
    [InlineData(new[] { 0.40, 0.55, 0.56, 0.70 }, new[] { 2.0, 1.3, 1.07, 0.91 })] // one fast epoch is not a pace
    [InlineData(new[] { 0.40, 0.55, 0.63, 0.70 }, new[] { 2.0, 1.3, 1.07, 1.10 })] // the loss rose: not a clean descent
    [InlineData(new[] { 0.63, 0.70 }, new[] { 1.07, 0.91 })] // one change only
    public void Silent_when_the_run_is_not_clearly_still_gaining(double[] accuracy, double[] losses) =>
        Assert.Empty(Detect(Run(accuracy, losses)));

    [Fact]
    public void A_run_that_did_not_learn_or_has_no_accuracy_is_left_to_other_detectors()
    {
        Assert.Empty(Detect(Run([0.20, 0.30, 0.40, 0.50], [2.0, 1.8, 1.6, 1.4], learned: false)));
        var regressor = Run([0.40, 0.55, 0.63, 0.70], [2.0, 1.3, 1.07, 0.91]) is var q ? q with { Curve = q.Curve with { Accuracy = null } } : null;
        Assert.Empty(Detect(regressor!));
    }

    [Fact]
    public void In_a_run_that_learned_it_stays_a_warning_and_is_its_own_root_cause()
    {
        var d = Assert.Single(Detect(Run([0.40, 0.55, 0.63, 0.70], [2.0, 1.3, 1.07, 0.91])));
        var info = new Detection(FindingBuilder.Make(FindingCodes.UnnormalizedInputs, Severity.Error, "raw", [FixCodes.NormalizeInputs]));
        var (findings, primary) = Decide.Run([d, info], learned: true);
        Assert.Equal(FindingCodes.TooFewEpochs, primary);
        Assert.Equal(Severity.Warning, findings.Single(f => f.Code == FindingCodes.TooFewEpochs).Severity);
        Assert.Equal(Severity.Info, findings.Single(f => f.Code == FindingCodes.UnnormalizedInputs).Severity);
    }

    [Fact]
    public void The_repair_doubles_the_epochs_and_shows_the_gain()
    {
        // SGD at 0.01 on four Gaussian classes: past 70% after 4 epochs and still climbing several points an epoch.
        var e = Make([Dense(32, "relu", inputs: 20), Dense(4, "softmax")], Optimizer("SGD", 0.01),
            "sparse_categorical_crossentropy", Classification(), epochs: 4);
        var report = TrainingDoctor.Repair(e);
        Assert.Contains(FindingCodes.TooFewEpochs, report.Original.Diagnosis.ProblemCodes);
        var kept = Assert.Single(report.Attempts, a => a.Kept);
        Assert.Equal(FixCodes.TrainLonger, kept.Fix);
        Assert.Equal("epochs 4 -> 8", kept.Change);
        Assert.True(report.Best.Accuracy > report.Original.Accuracy + 0.03, $"{report.Original.Accuracy} -> {report.Best.Accuracy}");
    }

    [Fact]
    public void The_repair_at_most_quadruples_the_users_budget()
    {
        // Thresholds that call every rising run cut short: the search must still stop after two doublings.
        var thresholds = new DoctorThresholds { LowAccuracy = 0, StillLearningAccuracyGain = -1 };
        var e = Make([Dense(16, "relu", inputs: 20), Dense(4, "softmax")], Optimizer("SGD", 0.01),
            "sparse_categorical_crossentropy", Classification(samples: 300), epochs: 3);
        var report = TrainingDoctor.Repair(e, new RepairOptions { Doctor = new DoctorOptions { Thresholds = thresholds, ProbeLearningRate = false } });
        Assert.Equal(2, report.Attempts.Count(a => a.Fix == FixCodes.TrainLonger));
        Assert.True(report.Best.Experiment.Epochs <= 12, $"{report.Best.Experiment.Epochs} epochs");
    }
}
