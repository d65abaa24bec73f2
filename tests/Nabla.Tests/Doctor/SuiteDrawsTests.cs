using Nabla.Cli.Clinic;
using Nabla.Tests.Data;

namespace Nabla.Tests.Doctor;

/// <summary><c>nabla clinic --suite DIR --draws N</c>: every draw's scores side by side, and the cases whose outcome
/// changed between draws.</summary>
[Collection(DoctorCollection.Name)]
public class SuiteDrawsTests
{
    private static SuiteRunner.CaseResult Fault(string name, bool detected, string primary = "dead_relu") =>
        new(name, ["dead_relu"], false, detected ? ["dead_relu"] : [], detected, false, Repaired: detected, null, 0)
        { ExpectedPrimary = "dead_relu", Primary = detected ? primary : null };

    private static SuiteRunner.CaseResult Fixed(string name, bool alarmed) =>
        new(name, [], true, alarmed ? ["loss_plateau"] : [], false, alarmed, null, null, 0);

    [Fact]
    public void Draws_print_each_halfs_scores_per_draw_and_the_cases_that_changed()
    {
        var split = new PublishedSuite.Split(17, ["a-buggy", "a-fixed"], ["b-buggy", "c-buggy", "b-fixed"]);
        SuiteRunner.SuiteSummary Draw(bool aFound, bool bFound, bool bAlarm) => new(
            [Fault("a-buggy", aFound), Fixed("a-fixed", false), Fault("b-buggy", bFound), Fault("c-buggy", false), Fixed("b-fixed", bAlarm)]);
        var output = new StringWriter();

        SuiteDraws.Print([Draw(true, true, false), Draw(true, false, true), Draw(true, true, false)], 1, split, output);

        string text = output.ToString();
        Assert.Contains("Over 3 draws (fit.seed + 1 to + 3):", text);
        Assert.Contains("| tuning | + 1 | 1/1 (100%) | 1/1 (100%) | 0/1 (0%) | 1/1 (100%) |", text);
        Assert.Contains("| evaluation | + 1 | 1/2 (50%) | 1/2 (50%) | 0/1 (0%) | 1/2 (50%) |", text);
        Assert.Contains("| evaluation | + 2 | 0/2 (0%) | 0/2 (0%) | 1/1 (100%) | 0/2 (0%) |", text);
        Assert.Contains("tuning: of 1 faults, 1 found at every draw, 0 at some, 0 at none; 0 of 1 fixed programs alarmed at some draw, 0 at every draw.", text);
        Assert.Contains("evaluation: of 2 faults, 0 found at every draw, 1 at some, 1 at none; 1 of 1 fixed programs alarmed at some draw, 0 at every draw.", text);
        Assert.Contains("  b-buggy: found at seed offset + 1, + 3 only", text);
        Assert.Contains("  b-fixed: alarmed at seed offset + 2 only", text);
        Assert.DoesNotContain("a-buggy:", text);
        Assert.DoesNotContain("c-buggy:", text);
    }

    [Fact]
    public void A_suite_run_over_two_draws_runs_each_from_its_own_seeds_and_keeps_their_reports_apart()
    {
        using var folder = new TempFolder();
        string reports = folder.File("reports");
        var output = new StringWriter();
        var draws = SuiteRunner.Run(ClinicSuiteTests.SuiteFolder(),
            new SuiteRunOptions(Repair: false, Filter: "healthy-relu-he-adam-synthetic", ReportDirectory: reports, Draws: 2), output);

        Assert.Equal(2, draws.Count);
        Assert.NotEqual(draws[0].Cases[0].ValLoss, draws[1].Cases[0].ValLoss);
        string text = output.ToString();
        Assert.Contains("Draw 1 of 2:", text);
        Assert.Contains("Draw 2 of 2:\nEvery experiment runs with its fit.seed + 1.", text.ReplaceLineEndings("\n"));
        Assert.Contains("| all | + 1 | - | - | 0/1 (0%) | - |", text);
        Assert.True(File.Exists(Path.Combine(reports, "seed-offset-0", "healthy-relu-he-adam-synthetic", "findings.json")));
        Assert.True(File.Exists(Path.Combine(reports, "seed-offset-1", "healthy-relu-he-adam-synthetic", "findings.json")));
    }

    [Theory]
    [InlineData(0, 0, "--draws must be at least 1, found 0.")]
    [InlineData(int.MaxValue, 2, "runs past the largest seed offset")]
    public void Draws_that_cannot_run_are_refused_before_any_run(int seedOffset, int draws, string expected)
    {
        var output = new StringWriter();
        var e = Assert.Throws<ArgumentException>(() => SuiteRunner.Run(ClinicSuiteTests.SuiteFolder(),
            new SuiteRunOptions(Repair: false, SeedOffset: seedOffset, Draws: draws), output));
        Assert.Contains(expected, e.Message);
        Assert.Equal("", output.ToString());
    }
}
