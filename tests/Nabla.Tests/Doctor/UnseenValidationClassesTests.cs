using Nabla.Cli.Clinic;
using Nabla.Doctor;
using Nabla.Data;

namespace Nabla.Tests.Doctor;

/// <summary>unseen_validation_classes: validation rows of classes no training row has (data in class order under Keras's
/// validation_split, which takes the last rows before shuffling), and the shuffle_before_split repair.</summary>
[Collection(DoctorCollection.Name)]
public class UnseenValidationClassesTests
{
    private static FitInfo Fit(Tensor y, int trainRows, double split = 0.25) => new(1, 1, 32, trainRows)
    {
        Targets = [y], ValidationTargets = [Preprocessing.RowRange(y, trainRows, y.Shape[0])], ValidationSplit = split,
    };

    private static Tensor Labels(params float[] labels) => Tensor.FromArray(labels, [labels.Length]);

    [Fact]
    public void Integer_labels_in_class_order_leave_the_last_class_to_validation()
    {
        var v = ValidationClasses.Of(Fit(Labels(0, 0, 0, 1, 1, 1, 2, 2), trainRows: 6))!;
        Assert.Equal([2], v.Unseen);
        Assert.Equal(2, v.UnseenRows);
        Assert.Equal(2, v.ValidationRows);
        Assert.True(v.InClassOrder);
    }

    [Fact]
    public void One_hot_rows_are_read_by_their_hot_column_and_a_descending_order_counts()
    {
        var y = Tensor.FromArray([0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0], [4, 3]); // classes 1, 0, 0, 0
        var v = ValidationClasses.Of(Fit(y, trainRows: 1))!;
        Assert.Equal([0], v.Unseen);
        Assert.Equal(3, v.UnseenRows);
        Assert.True(v.InClassOrder);
    }

    [Fact]
    public void Shuffled_labels_regression_targets_and_no_validation_give_nothing_to_report()
    {
        Assert.Empty(ValidationClasses.Of(Fit(Labels(2, 0, 1, 1, 0, 2, 1, 0), trainRows: 6))!.Unseen);
        Assert.False(ValidationClasses.Of(Fit(Labels(2, 0, 1, 1, 0, 2, 1, 0), trainRows: 6))!.InClassOrder);
        Assert.Null(ValidationClasses.Of(Fit(Labels(0.5f, 1.5f, 2.5f, 3.5f), trainRows: 3)));
        Assert.Null(ValidationClasses.Of(new FitInfo(1, 1, 32, 4) { Targets = [Labels(0, 1, 2, 3)] }));
        // Validation data given apart from the rows: a class missing from training is still reported, but not blamed on order.
        var given = ValidationClasses.Of(Fit(Labels(0, 0, 0, 1, 1, 1, 2, 2), trainRows: 6, split: 0))!;
        Assert.Equal([2], given.Unseen);
        Assert.False(given.InClassOrder);
    }

    [Fact]
    public void Whole_number_regression_targets_are_not_read_as_classes()
    {
        // Ages 20..27 in order under MSE, the last two only in validation: a regressor's targets, not unseen classes.
        var q = new Quantities
        {
            Model = new ModelQuantities(),
            ValidationClasses = ValidationClasses.Of(Fit(Labels(20, 21, 22, 23, 24, 25, 26, 27), trainRows: 6)),
        };
        Assert.NotNull(q.ValidationClasses);
        Assert.False(q.Model.IsClassifier);
        Assert.Empty(new UnseenValidationClassesDetector().Detect(q, new DoctorThresholds()));
    }

    [Theory]
    [InlineData("unseen-validation-class-sorted-clusters")]
    [InlineData("unseen-validation-class-sorted-onehot")]
    public void Sorted_data_is_a_blocking_error_repaired_by_shuffling_the_rows(string name)
    {
        var report = TrainingDoctor.Repair(ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), name + ".json")));
        var f = DoctorCases.Single(report.Original.Diagnosis, FindingCodes.UnseenValidationClasses);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(FindingCodes.UnseenValidationClasses, report.Original.Diagnosis.PrimaryCause);
        Assert.True((bool)f.Evidence["rows_in_class_order"]);
        Assert.Equal([FixCodes.ShuffleBeforeSplit], report.AppliedFixes);
        Assert.True(report.Succeeded, string.Join("; ", report.Best.Diagnosis.Findings));
        Assert.True(report.Best.Final["val_accuracy"] > 0.8, $"val_accuracy {report.Best.Final["val_accuracy"]}");
    }
}
