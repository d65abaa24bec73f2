using Nabla.Doctor;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>An experiment file may name a saved model ("model": "x.h5" / "x.keras"): the doctor then trains it as it
/// is, from its saved weights, compiled as saved; "from_scratch": true re-initializes it.</summary>
public class SavedModelExperimentTests
{
    private static string Experiment(TempFolder folder, bool fromScratch) => folder.WriteText("exp.json", $$"""
        {
          "model": "{{KerasFixtures.File("svhn_grayscale_mlp_tfkeras2.2.4.h5").Replace("\\", "/")}}",
          "from_scratch": {{(fromScratch ? "true" : "false")}},
          "data": { "synthetic": { "kind": "classification", "samples": 64, "features": 1024, "classes": 10 }, "one_hot": true, "num_classes": 10 },
          "fit": { "epochs": 1, "batch_size": 32 }
        }
        """);

    [Fact]
    public void A_saved_keras_model_is_diagnosed_from_its_saved_weights_and_compile_settings()
    {
        using var folder = new TempFolder();
        var experiment = ExperimentFile.Load(Experiment(folder, fromScratch: false));
        var model = experiment.BuildModel();
        KerasFixtures.AssertPredicts(model, "svhn_grayscale_mlp_tfkeras2.2.4.h5");
        Assert.Equal("Adam", model.Optimizer!.ClassName);
        Assert.Equal(1e-4, model.Optimizer.LearningRate, 1e-9);
        Assert.Equal("CategoricalCrossentropy", model.Loss!.ClassName);
        var result = ExperimentResult.Run(experiment);
        Assert.NotNull(result.Diagnosis);
    }

    [Fact]
    public void From_scratch_reinitializes_the_saved_architecture()
    {
        using var folder = new TempFolder();
        var model = ExperimentFile.Load(Experiment(folder, fromScratch: true)).BuildModel();
        Assert.Equal(305_962, model.CountParams());
        var (x, expected) = KerasFixtures.Case("svhn_grayscale_mlp_tfkeras2.2.4.h5");
        Assert.NotEqual(expected[0][5], model.Predict(x).Data[5], 3);
    }
}
