using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>The repair search's learning-rate steps: decades from the run, or the optimizer's Keras default first when
/// the rate is far below it.</summary>
public class LearningRateStepTests
{
    private static string Step(string optimizer, double rate, string fix, int repeat)
    {
        var e = Make([Dense(8, "relu", He, inputs: 20), Dense(4, "softmax")], Optimizer(optimizer, rate),
            "sparse_categorical_crossentropy", Classification(samples: 64));
        return Repairs.Apply(fix, e, e.BuildModel(), repeat)!.Value.change;
    }

    [Theory]
    // Keras 3 defaults: Adam 0.001 (keras/src/optimizers/adam.py), SGD 0.01 (sgd.py), RMSprop 0.001 (rmsprop.py).
    [InlineData("Adam", 1e-7, FixCodes.RaiseLearningRate, 0, "learning rate 1E-07 -> 0.001 (Adam's default)")]
    [InlineData("Adam", 1e-7, FixCodes.RaiseLearningRate, 1, "learning rate 1E-07 -> 1E-06")]
    [InlineData("Adam", 1e-7, FixCodes.RaiseLearningRate, 2, "learning rate 1E-07 -> 1E-05")]
    [InlineData("SGD", 1e-4, FixCodes.RaiseLearningRate, 0, "learning rate 0.0001 -> 0.01 (SGD's default)")]
    [InlineData("RMSprop", 1e-6, FixCodes.RaiseLearningRate, 0, "learning rate 1E-06 -> 0.001 (RMSprop's default)")]
    // Closer than 100x below the default, above it, or stepping down: decades.
    [InlineData("SGD", 10, FixCodes.LowerLearningRate, 0, "learning rate 10 -> 1")]
    [InlineData("SGD", 10, FixCodes.LowerLearningRate, 1, "learning rate 10 -> 0.1")]
    [InlineData("Adam", 1e-4, FixCodes.RaiseLearningRate, 0, "learning rate 0.0001 -> 0.001")]
    [InlineData("Adam", 1e-4, FixCodes.RaiseLearningRate, 1, "learning rate 0.0001 -> 0.01")]
    [InlineData("SGD", 1e-4, FixCodes.LowerLearningRate, 0, "learning rate 0.0001 -> 1E-05")]
    [InlineData("Adam", 1, FixCodes.RaiseLearningRate, 0, "learning rate 1 -> 10")]
    public void A_rate_far_below_its_default_is_raised_to_the_default_first_then_by_decades(string optimizer, double rate, string fix,
        int repeat, string change) =>
        Assert.Equal(change, Step(optimizer, rate, fix, repeat));

    private static Experiment Scheduled(string schedule) => Make([Dense(8, "relu", He, inputs: 20), Dense(4, "softmax")],
        $$$"""{"class_name": "SGD", "config": {"learning_rate": {{{schedule}}}}}""", "sparse_categorical_crossentropy", Classification(samples: 64));

    [Fact]
    public void A_rate_schedule_steps_its_rates_by_decades_and_keeps_its_shape()
    {
        var e = Scheduled("""{"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 30.0, "decay_steps": 100, "decay_rate": 0.9}}""");
        var (lowered, change) = Repairs.Apply(FixCodes.LowerLearningRate, e, e.BuildModel(), repeat: 1)!.Value;
        Assert.Equal("ExponentialDecay rates (initial_learning_rate) x0.01", change);
        var schedule = lowered.BuildModel().Optimizer!.Schedule!;
        Assert.Equal(0.3, schedule.At(0), 1e-12);
        Assert.Equal(0.3 * 0.9, schedule.At(100), 1e-12); // decay_rate and decay_steps kept
        Assert.Equal(30.0, e.BuildModel().Optimizer!.Schedule!.At(0)); // the experiment itself is not changed

        var piecewise = Scheduled("""{"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10, 20], "values": [0.1, 0.01, 0.001]}}""");
        var (raised, _) = Repairs.Apply(FixCodes.RaiseLearningRate, piecewise, piecewise.BuildModel())!.Value;
        var steps = raised.BuildModel().Optimizer!.Schedule!;
        Assert.Equal([1.0, 0.1, 0.01], new[] { steps.At(0), steps.At(15), steps.At(25) }.Select(r => Math.Round(r, 12)));
    }

    [Fact]
    public void Repairing_a_run_under_a_rate_schedule_does_not_throw()
    {
        // A schedule used to make the learning-rate steps read a number where the config holds an object.
        var e = Make([Dense(32, "relu", He, inputs: 20), Dense(4, "softmax")],
            """{"class_name": "SGD", "config": {"learning_rate": {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 30.0, "decay_steps": 100, "decay_rate": 0.9}}}}""",
            "sparse_categorical_crossentropy", Classification(samples: 600), epochs: 3);
        var report = TrainingDoctor.Repair(e);
        Assert.Contains(report.Attempts, a => a.Fix == FixCodes.LowerLearningRate && a.Change.StartsWith("ExponentialDecay rates", StringComparison.Ordinal));
        Assert.True(report.Best.Score > report.Original.Score, $"{report.Original.Score} -> {report.Best.Score}");
    }

    [Fact]
    public void A_config_object_where_a_number_belongs_is_described_by_its_class()
    {
        var config = Nabla.Configuration.Config.Parse("""{"learning_rate": {"class_name": "ExponentialDecay", "config": {}}}""");
        var error = Assert.Throws<ArgumentException>(() => config.GetDouble("learning_rate"));
        Assert.Equal("Config key 'learning_rate' must be a number, found an object (ExponentialDecay).", error.Message);
    }
}
