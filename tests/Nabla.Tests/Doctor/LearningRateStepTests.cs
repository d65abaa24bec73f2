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
}
