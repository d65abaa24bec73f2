using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Tests.Doctor;

namespace Nabla.Tests.Recurrent;

/// <summary>The issue's full adding-problem demonstration (two cases of tests/Clinic/recurrent, 80 epochs, which
/// <c>nabla clinic --rnn</c> runs) loads and builds as written, with the learning target the issue sets.</summary>
public class RecurrentExperimentTests
{
    [Theory]
    [InlineData("vanishing-simplernn-adding100-n2000-80epochs", typeof(SimpleRNN))]
    [InlineData("healthy-lstm-adding100-n2000-80epochs", typeof(LSTM))]
    public void AddingExperimentsLoadTheIssueSetup(string name, Type layerType)
    {
        var file = Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", name + ".json");
        var experiment = ExperimentFile.Load(file);
        Assert.Equal([2000, 100, 2], experiment.X.Shape);
        Assert.Equal([2000, 1], experiment.Y.Shape);
        Assert.Equal(0.2, experiment.ValidationSplit);
        Assert.Equal(80, experiment.Epochs);
        // The issue: validation MSE below 0.05 (the LSTM's own run, the SimpleRNN's repaired one); the mean's is 1/6.
        Assert.Equal(0.05, ExperimentFile.ReadMaxValidationLoss(file));
        var model = experiment.BuildModel();
        Assert.IsType(layerType, model.Layers[0]);
        Assert.Equal(32, ((RecurrentLayer)model.Layers[0]).Units);
    }
}
