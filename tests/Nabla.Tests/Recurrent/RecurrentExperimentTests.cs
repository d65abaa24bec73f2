using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Tests.Doctor;

namespace Nabla.Tests.Recurrent;

/// <summary>The issue's full adding-problem demonstration (tests/Clinic/recurrent/long, 80 epochs: run with
/// <c>nabla clinic --suite tests/Clinic/recurrent/long</c>) loads and builds as written.</summary>
public class RecurrentExperimentTests
{
    [Theory]
    [InlineData("adding-simplernn-vanishing", typeof(SimpleRNN))]
    [InlineData("adding-lstm-healthy", typeof(LSTM))]
    public void AddingExperimentsLoadTheIssueSetup(string name, Type layerType)
    {
        var experiment = ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", "long", name + ".json"));
        Assert.Equal([2000, 100, 2], experiment.X.Shape);
        Assert.Equal([2000, 1], experiment.Y.Shape);
        Assert.Equal(0.2, experiment.ValidationSplit);
        Assert.Equal(80, experiment.Epochs);
        var model = experiment.BuildModel();
        Assert.IsType(layerType, model.Layers[0]);
        Assert.Equal(32, ((RecurrentLayer)model.Layers[0]).Units);
    }
}
