using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Callbacks;

public class ModelCheckpointTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static (Sequential Model, Tensor X, Tensor Y) Regression()
    {
        Utils.SetRandomSeed(4);
        var (x, y) = Nabla.Data.Synthetic.Regression(64, 3, seed: 2);
        var model = new Sequential(new Dense(4, activation: "tanh", inputShape: [3]), new Dense(1));
        model.Compile("sgd", "mse");
        return (model, x, y);
    }

    [Fact]
    public void PlaceholdersAreFilledAsPythonFormatsThem()
    {
        var logs = new Dictionary<string, double> { ["val_loss"] = 0.123456, ["loss"] = 2, ["accuracy"] = 0.5 };
        Assert.Equal("m-03-0.12.keras", CheckpointPath.Format("m-{epoch:02d}-{val_loss:.2f}.keras", 3, logs));
        Assert.Equal("e12 l2.0 a0.500 {x}", CheckpointPath.Format("e{epoch} l{loss} a{accuracy:.3f} {{x}}", 12, logs));
        Assert.Equal("  7|1.234560e-01", CheckpointPath.Format("{epoch:3d}|{val_loss:e}", 7, logs));
        var error = Assert.Throws<InvalidOperationException>(() => CheckpointPath.Format("{val_acc:.2f}", 1, logs));
        Assert.Contains("'{val_acc}'", error.Message);
        Assert.Contains("val_loss", error.Message);
    }

    [Fact]
    public void SaveBestOnlyWritesWhenTheMonitorImprovesAndSaysSoAsKeras()
    {
        var (model, x, y) = Regression();
        var script = new Script("val_loss", [0.5, 0.7, 0.25]);
        var writer = new StringWriter();
        var snapshots = new List<IReadOnlyList<Tensor>>();
        var recorder = new LambdaCallback(onEpochEnd: (_, _) => snapshots.Add(model.GetWeights()));
        var checkpoint = new ModelCheckpoint(Path.Combine(folder.Path, "w-{epoch:02d}-{val_loss:.2f}.safetensors"),
            verbose: 1, saveBestOnly: true, saveWeightsOnly: true, output: writer);
        model.Fit(x, y, epochs: 3, callbacks: [script, recorder, checkpoint], verbose: 0);

        Assert.Equal(["w-01-0.50.safetensors", "w-03-0.25.safetensors"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
        Assert.Equal(0.25, checkpoint.Best);
        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"Epoch 1: val_loss improved from inf to 0.50000, saving model to {Path.Combine(folder.Path, "w-01-0.50.safetensors")}", lines[0]);
        Assert.Equal("Epoch 2: val_loss did not improve from 0.50000", lines[1]);
        var restored = Regression().Model;
        restored.LoadWeights(checkpoint.LastSavedPath!);
        for (int i = 0; i < snapshots[2].Count; i++) Assert.Equal(snapshots[2][i].Data, restored.GetWeights()[i].Data);
    }

    [Fact]
    public void EveryEpochSavesAWholeModelThatLoads()
    {
        var (model, x, y) = Regression();
        var checkpoint = new ModelCheckpoint(Path.Combine(folder.Path, "sub", "model-{epoch}.keras"), monitor: "loss");
        model.Fit(x, y, epochs: 2, callbacks: [checkpoint], verbose: 0);
        Assert.True(File.Exists(Path.Combine(folder.Path, "sub", "model-1.keras")));
        var loaded = Model.Load(Path.Combine(folder.Path, "sub", "model-2.keras"));
        Assert.Equal(model.GetWeights()[0].Data, loaded.GetWeights()[0].Data);
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "sub"), "*.partial")); // atomic writes leave no temp file
    }

    [Fact]
    public void DefaultsAreKerasOnesAndWrongExtensionsOrFrequenciesAreRefused()
    {
        // keras.callbacks.ModelCheckpoint(filepath, monitor="val_loss", verbose=0, save_best_only=False,
        // save_weights_only=False, mode="auto", save_freq="epoch")
        var checkpoint = new ModelCheckpoint("m.keras");
        Assert.Equal("val_loss", checkpoint.Monitor);
        Assert.Equal(0, checkpoint.Verbose);
        Assert.False(checkpoint.SaveBestOnly);
        Assert.False(checkpoint.SaveWeightsOnly);
        Assert.Contains("\".safetensors\"", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w.weights.h5", saveWeightsOnly: true)).Message);
        Assert.Contains("\".keras\"", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("m.h5")).Message);
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("m.keras", saveFreq: "batch"));
    }
}
