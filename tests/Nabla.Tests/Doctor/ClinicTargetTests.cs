using Nabla.Data;
using Nabla.Doctor;
using Nabla.Tests.Cli;

namespace Nabla.Tests.Doctor;

/// <summary>
/// A clinic case's learning target (<c>expect.max_val_loss</c>): read and checked, and reported with each case's evidence
/// and repair attempts, so that a repair proves the model learns, not only that its findings are gone.
/// </summary>
[Collection(DoctorCollection.Name)]
public class ClinicTargetTests
{
    [Fact]
    public void A_validation_loss_target_must_be_a_positive_number()
    {
        string file = Path.Combine(Path.GetTempPath(), $"nabla-target-{Guid.NewGuid():N}.json");
        try
        {
            var json = File.ReadAllText(Case("healthy-lstm-adding20"));
            File.WriteAllText(file, json.Replace("\"max_val_loss\": 0.05", "\"max_val_loss\": -1"));
            var error = Assert.Throws<DataFormatException>(() => ExperimentFile.ReadMaxValidationLoss(file));
            Assert.Contains("expect.max_val_loss", error.Message);
            Assert.Equal(0.05, ExperimentFile.ReadMaxValidationLoss(Case("healthy-lstm-adding20")));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void The_clinic_prints_the_evidence_the_repair_and_the_validation_target_of_a_case()
    {
        var (exit, stdout, _) = CliCommandTests.Nabla("clinic", "--suite", Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent"),
            "--filter", "saturated-gates-lstm", "--details");
        Assert.Equal(0, exit);
        Assert.Contains("detected    repaired", stdout);
        Assert.Contains("(target < 0.05: met)", stdout);
        Assert.Contains("stuck_gates=input at 0: 1, forget at 0: 1, output at 0: 1", stdout);
        Assert.Contains("try reset_recurrent_bias (", stdout);
        Assert.Contains("Validation-loss targets (expect.max_val_loss; a faulty case's repaired run): 1 of 1 met.", stdout);
    }

    private static string Case(string name) => Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", name + ".json");
}
