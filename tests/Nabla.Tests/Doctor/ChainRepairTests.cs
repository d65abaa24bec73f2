using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>The repairs that edit the list of layers on a functional model that is one plain chain (AUTOTRAINER's
/// AlexNet, written with Input and Model): it is rebuilt as the Sequential model of the same layers first.</summary>
[Collection(DoctorCollection.Name)]
public class ChainRepairTests
{
    private static Experiment Published(string name) =>
        ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "published", name + ".json"));

    private static (Experiment e, string change) Apply(string fix, Experiment e)
    {
        var applied = Repairs.Apply(fix, e, e.BuildModel());
        Assert.NotNull(applied);
        return applied.Value;
    }

    private static long Parameters(Model m) => m.Layers.Sum(l => l.Weights.Sum(w => (long)w.Size));

    [Fact]
    public void A_functional_chain_is_the_sequential_model_of_its_layers()
    {
        var functional = Published("autotrainer-alexnet-fixed");
        Assert.False(functional.LayersAreAChain);
        var sequential = ChainAsSequential.Of(functional);
        Assert.NotNull(sequential);
        Assert.True(sequential.LayersAreAChain);
        var (a, b) = (functional.BuildModel(), sequential.BuildModel());
        Assert.Equal(a.OutputShape, b.OutputShape);
        Assert.Equal(Parameters(a), Parameters(b));
        Assert.Equal(a.Layers.Select(l => l.Name).Where(n => n != "input"), b.Layers.Select(l => l.Name).Where(n => n != "input"));
    }

    [Fact]
    public void A_linear_output_under_cross_entropy_gets_its_softmax_back()
    {
        var (repaired, change) = Apply(FixCodes.UseCrossEntropy, Published("autotrainer-alexnet-linear-output-buggy"));
        Assert.EndsWith(ChainAsSequential.Note, change);
        Assert.Contains("removed Activation layer(s) probabilities", change);
        var last = repaired.LayerConfigs()[^1];
        Assert.Equal("Dense", last.GetString("class_name"));
        Assert.Equal("softmax", last.GetConfig("config")!.GetString("activation"));
        Assert.Equal([10], repaired.BuildModel().OutputShape);
    }

    [Fact]
    public void Raw_pixels_get_a_first_rescaling_layer_and_hidden_layers_a_batch_normalization()
    {
        var raw = Published("autotrainer-alexnet-raw-pixels-buggy");
        var (normalized, change) = Apply(FixCodes.NormalizeInputs, raw);
        Assert.StartsWith("first layer Rescaling(scale=1/255", change);
        Assert.Equal("Rescaling", normalized.LayerConfigs().Select(l => l.GetString("class_name")).First(c => c != "InputLayer"));
        Assert.Equal([10], normalized.BuildModel().OutputShape);
        var (batchNormalized, _) = Apply(FixCodes.AddBatchNormalization, raw);
        Assert.Equal(7, batchNormalized.LayerConfigs().Count(l => l.GetString("class_name") == "BatchNormalization")); // 5 conv + 2 hidden Dense
    }

    [Fact]
    public void A_model_with_branches_stays_functional()
    {
        var residual = ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "functional-healthy-residual-mlp.json"));
        Assert.Null(ChainAsSequential.Of(residual));
        Assert.Null(Repairs.Apply(FixCodes.AddBatchNormalization, residual, residual.BuildModel()));
    }
}
