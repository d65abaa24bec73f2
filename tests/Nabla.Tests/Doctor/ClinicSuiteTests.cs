using Nabla.Cli.Clinic;
using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>
/// A fast subset of the clinic benchmark (tests/Clinic), run through the same runner as
/// <c>nabla clinic --suite tests/Clinic</c>. The full suite (with repairs) is the documented command.
/// </summary>
[Collection(DoctorCollection.Name)]
public class ClinicSuiteTests
{
    internal static string SuiteFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
                return Path.Combine(dir.FullName, "tests", "Clinic");
        throw new DirectoryNotFoundException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }

    [Theory]
    [InlineData("dead-relu-bias-10-synthetic")]
    [InlineData("missing-all-frozen-synthetic")]
    [InlineData("saturated-tanh-scale200-synthetic")]
    [InlineData("lr-too-high-adam10-synthetic")]
    [InlineData("mismatch-crossentropy-linear-output")]
    [InlineData("overfitting-wide-mlp-noisy-regression")]
    public void Faulty_case_is_detected(string name)
    {
        var result = SuiteRunner.RunCase(Path.Combine(SuiteFolder(), name + ".json"), repair: false);
        Assert.False(result.ExpectedHealthy);
        Assert.NotEmpty(result.Expected);
        Assert.True(result.Detected, $"expected [{string.Join(", ", result.Expected)}], found [{string.Join(", ", result.Found)}]");
    }

    [Theory]
    [InlineData("healthy-relu-he-adam-synthetic")]
    [InlineData("healthy-regressor-mse-adam")]
    [InlineData("healthy-batchnorm-dropout-adam-synthetic")]
    [InlineData("healthy-wide-mlp-early-stopping")]
    public void Healthy_case_raises_no_alarm(string name)
    {
        var result = SuiteRunner.RunCase(Path.Combine(SuiteFolder(), name + ".json"), repair: false);
        Assert.True(result.ExpectedHealthy);
        Assert.False(result.FalsePositive, $"found [{string.Join(", ", result.Found)}]");
    }

    [Fact]
    public void A_seed_offset_runs_the_same_program_from_another_draw()
    {
        string file = Path.Combine(SuiteFolder(), "healthy-relu-he-adam-synthetic.json");
        var own = SuiteRunner.RunCase(file, repair: false);
        var again = SuiteRunner.RunCase(file, repair: false, seedOffset: 0);
        var other = SuiteRunner.RunCase(file, repair: false, seedOffset: 1);

        Assert.Equal(own.ValLoss, again.ValLoss);
        Assert.NotEqual(own.ValLoss, other.ValLoss);
        Assert.Equal(own.TargetsFingerprint, other.TargetsFingerprint); // the same data: only the weights' start and the batch order move
        var experiment = ExperimentFile.Load(file);
        Assert.Equal(experiment.Seed + 1, SuiteRunner.WithSeedOffset(experiment, 1).Seed);
        var error = Assert.Throws<ArgumentException>(() => SuiteRunner.WithSeedOffset(experiment, int.MaxValue));
        Assert.Contains("fit.seed", error.Message);
    }

    [Fact]
    public void The_suite_covers_every_code_twice_with_enough_cases()
    {
        var expectations = Directory.GetFiles(SuiteFolder(), "*.json").Select(ExperimentFile.ReadExpectation).ToList();
        Assert.True(expectations.Count(e => !e.healthy) >= 25);
        Assert.True(expectations.Count(e => e.healthy) >= 10);
        Assert.All(expectations.Where(e => e.healthy), e => Assert.Empty(e.codes));
        // Codes only recurrent layers can raise (saturated_gates) are covered by the recurrent suite (nabla clinic --rnn).
        var synthetic = expectations.Concat(Directory.GetFiles(Path.Combine(SuiteFolder(), "recurrent"), "*.json").Select(ExperimentFile.ReadExpectation)).ToList();
        foreach (var code in FindingCodes.All)
            Assert.True(synthetic.Count(e => e.codes.Contains(code)) >= 2, $"'{code}' is expected by fewer than 2 cases");
        Assert.All(synthetic.SelectMany(e => e.codes), c => Assert.Contains(c, FindingCodes.All));
    }
}
