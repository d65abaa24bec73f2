using Nabla.Cli.Clinic;

namespace Nabla.Tests.Doctor;

/// <summary>A fast subset of the clinic's convolutional cases (tests/Clinic/cnn-*.json), through the suite's runner.
/// The ten-layer sigmoid CNN (about 10 s) is left to the suite; ConvDoctorTests checks vanishing on a smaller stack.
/// The whole set, with repairs, is <c>nabla clinic --suite tests/Clinic --filter cnn-</c>.</summary>
[Collection(DoctorCollection.Name)]
public class CnnClinicTests
{
    private static SuiteRunner.CaseResult Run(string name, bool repair = false) =>
        SuiteRunner.RunCase(Path.Combine(ClinicSuiteTests.SuiteFolder(), name + ".json"), repair);

    [Theory]
    [InlineData("cnn-dead-relu-bias-10-mnist")]
    [InlineData("cnn-unnormalized-raw-pixels-tanh-mnist")]
    [InlineData("cnn-lr-too-high-sgd1-mnist")]
    [InlineData("cnn-nan-deep-relu-normal1-regression-images")]
    public void Faulty_cnn_case_is_detected(string name)
    {
        var result = Run(name);
        Assert.False(result.ExpectedHealthy);
        Assert.True(result.Detected, $"expected [{string.Join(", ", result.Expected)}], found [{string.Join(", ", result.Found)}]");
    }

    [Theory]
    [InlineData("cnn-healthy-relu-he-adam-mnist")]
    [InlineData("cnn-healthy-batchnorm-relu-images")]
    [InlineData("cnn-healthy-tanh-glorot-images")]
    public void Healthy_cnn_case_raises_no_alarm(string name)
    {
        var result = Run(name);
        Assert.True(result.ExpectedHealthy);
        Assert.False(result.FalsePositive, $"found [{string.Join(", ", result.Found)}]");
    }

    [Fact]
    public void Saturated_sigmoid_cnn_is_repaired()
    {
        var result = Run("cnn-saturated-sigmoid-bias8-images", repair: true);
        Assert.True(result.Detected);
        Assert.True(result.Repaired);
    }

    [Fact]
    public void The_cnn_cases_cover_the_conv_checks_with_eight_faulty_and_three_healthy()
    {
        var files = Directory.GetFiles(ClinicSuiteTests.SuiteFolder(), "cnn-*.json");
        var expectations = files.Select(Nabla.Doctor.ExperimentFile.ReadExpectation).ToList();
        Assert.True(expectations.Count(e => !e.healthy) >= 8);
        Assert.True(expectations.Count(e => e.healthy) >= 3);
        string[] convChecks = ["dead_relu", "saturated_activations", "vanishing_gradients", "exploding_gradients", "poor_initialization",
            "unnormalized_inputs", "learning_rate_too_high"];
        foreach (var code in convChecks) Assert.Contains(expectations, e => e.codes.Contains(code));
    }
}
