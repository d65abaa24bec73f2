using Nabla.Configuration;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.Doctor;

namespace Nabla.Tests.Models.Functional;

[Collection(DoctorCollection.Name)]
public class FunctionalExperimentTests
{
    [Fact]
    public void TheDoctorsExperimentFileAcceptsAFunctionalModelAndDiagnosesIt()
    {
        var input = new Input([20], name: "features");
        var h1 = new Dense(32, activation: "relu", kernelInitializer: "he_uniform", name: "h1").Apply(input);
        var h2 = new Dense(32, activation: "relu", kernelInitializer: "he_uniform", name: "h2").Apply(h1);
        var output = new Dense(4, activation: "softmax", name: "classes").Apply(new Add(name: "skip").Apply(h1, h2));
        string model = KerasModelJson.ToJson(new Model(input, output, name: "residual"));
        string json = $$$"""
            {
              "model": {{{model}}},
              "compile": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
              "data": {{{DoctorCases.Classification()}}},
              "fit": {"epochs": 4, "batch_size": 32, "seed": 42}
            }
            """;
        var experiment = ExperimentFile.Parse(Config.Parse(json), Directory.GetCurrentDirectory(), "functional", "functional.json");
        var result = ExperimentResult.Run(experiment);
        Assert.Equal("Functional", result.Model.ClassName);
        Assert.Contains(result.Model.Layers, l => l is Add);
        Assert.True(result.Accuracy > 0.8, $"accuracy {result.Accuracy}; findings: {string.Join("; ", result.Diagnosis.Findings)}");
        Assert.DoesNotContain(result.Diagnosis.Findings, f => f.Severity == Severity.Error);
    }
}
