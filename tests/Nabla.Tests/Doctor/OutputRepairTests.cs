using Nabla.Cli.Clinic;
using Nabla.Configuration;
using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>The output repairs (use_cross_entropy, use_linear_output) edit the layer that computes the output: inside a
/// wrapper such as TimeDistributed too, and with the Activation layers after it removed, so that the activation they set
/// is the one the model ends with.</summary>
[Collection(DoctorCollection.Name)]
public class OutputRepairTests
{
    private const string SoftmaxLayer = """{"class_name": "Activation", "config": {"activation": "softmax"}}""";

    [Fact]
    public void Cross_entropy_repair_removes_a_softmax_activation_layer_after_a_one_unit_output()
    {
        // defects4ml 086's shape: Dense(1) then Activation('softmax'), whose output is 1 whatever the input.
        var data = """{"synthetic": {"kind": "classification", "samples": 400, "features": 8, "classes": 2, "seed": 3}}""";
        var e = Make([Dense(16, "relu", He, inputs: 8), Dense(1), SoftmaxLayer], "\"adam\"", "binary_crossentropy", data, epochs: 15);
        var trained = ExperimentResult.Run(e).Model;
        var (changed, change) = Repairs.Apply(FixCodes.UseCrossEntropy, e, trained)!.Value;
        var layers = changed.LayerConfigs();
        Assert.DoesNotContain(layers, l => l.GetString("class_name") == "Activation");
        Assert.Equal("sigmoid", layers[^1].GetConfig("config")!.GetString("activation"));
        Assert.Contains("removed Activation layer(s)", change);
        Assert.Equal(3, e.LayerConfigs().Count); // the experiment repaired is a copy
        var repaired = ExperimentResult.Run(changed);
        Assert.True(repaired.Accuracy > 0.8, $"accuracy {repaired.Accuracy}");
    }

    [Fact]
    public void Cross_entropy_repair_edits_the_dense_layer_a_time_distributed_output_wraps()
    {
        // DeepFD 59282996: TimeDistributed(Dense(3, sigmoid)) under sparse_categorical_crossentropy on labels [N, 20, 1].
        string file = Path.Combine(ClinicSuiteTests.SuiteFolder(), "published", "deepfd-59282996-bilstm-buggy.json");
        var e = ExperimentFile.Load(file);
        var trained = ExperimentResult.Run(e).Model;
        var (changed, change) = Repairs.Apply(FixCodes.UseCrossEntropy, e, trained)!.Value;
        var wrapper = changed.LayerConfigs()[^1].GetConfig("config")!;
        Assert.Equal("softmax", wrapper.GetConfig("layer")!.GetConfig("config")!.GetString("activation"));
        Assert.Equal("sparse_categorical_crossentropy", changed.Loss);
        Assert.Contains("sigmoid", e.LayerConfigs()[^1].GetConfig("config")!.GetConfig("layer")!.GetConfig("config")!.GetString("activation"));
        Assert.True(double.IsFinite(ExperimentResult.Run(changed).Loss), change);
    }

    [Fact]
    public void The_doctor_reads_the_activation_inside_a_time_distributed_output()
    {
        // The wrapper's own output comes from the reshape that unfolds the steps; the activation is the wrapped Dense's.
        string file = Path.Combine(ClinicSuiteTests.SuiteFolder(), "published", "deepfd-59282996-bilstm-fixed.json");
        var e = ExperimentFile.Load(file);
        var sigmoid = Single(Diagnose(e), FindingCodes.LossOutputMismatch);
        Assert.Equal("sigmoid", sigmoid.Evidence["output_activation"]);
        Assert.Equal(3, Convert.ToInt32(sigmoid.Evidence["units"], System.Globalization.CultureInfo.InvariantCulture));

        var trained = ExperimentResult.Run(e).Model;
        var (softmax, _) = Repairs.Apply(FixCodes.UseCrossEntropy, e, trained)!.Value;
        var d = Diagnose(softmax);
        Assert.DoesNotContain(d.Findings, f => f.Code == FindingCodes.LossOutputMismatch);
    }
}
