using System.IO.Compression;
using System.Reflection;
using Nabla.Data;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Reliability;

/// <summary>
/// A bad value inside a model file (a config the layers refuse, NaN weights, optimizer state out of range) is the
/// file's fault: loading it raises a DataFormatException naming the file, its entry and the field, never the
/// ArgumentException the layer or optimizer raises when called directly.
/// </summary>
public class BadFileContentTests
{
    private static Sequential Trained()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(new Dense(3, activation: "relu", inputShape: [4]), new Dense(2));
        model.Compile(new Adam(0.01), "mse");
        var x = new Tensor(8, 4);
        for (int i = 0; i < x.Size; i++) x.Data[i] = i % 5 * 0.1f;
        model.TrainOnBatch(x, new Tensor(8, 2));
        return model;
    }

    private static DataFormatException Refused(Action load, params string[] named)
    {
        var e = Assert.Throws<DataFormatException>(load);
        foreach (string name in named) Assert.Contains(name, e.Message);
        return e;
    }

    [Fact]
    public void OptimizerStateOutOfRangeInAKerasArchiveNamesTheEntryAndVariable()
    {
        using var folder = new TempFolder();
        var model = Trained();
        model.Optimizer!.StateArray(model.TrainableWeights[0], "velocity")[2] = -1f;
        string negative = folder.File("negative.keras");
        model.Save(negative);
        var e = Refused(() => Model.Load(negative), "model.weights.h5", "optimizer/vars/", "velocity", "-1");
        Assert.IsAssignableFrom<ArgumentException>(e.InnerException);

        // Also through LoadWeights of a .weights.h5 into a compiled model.
        string weights = folder.File("negative.weights.h5");
        model.SaveWeights(weights);
        var target = Trained();
        Refused(() => target.LoadWeights(weights), "negative.weights.h5", "optimizer/vars/", "velocity");
    }

    [Fact]
    public void IterationsPast2To53InAKerasArchiveAreRefusedNamingTheVariable()
    {
        using var folder = new TempFolder();
        var model = Trained();
        // No API sets this many steps; a file can claim it (the next step would wrap the count around).
        typeof(Optimizer).GetField("iterations", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(model.Optimizer, long.MaxValue);
        string path = folder.File("iterations.keras");
        model.Save(path);
        Refused(() => Model.Load(path), "model.weights.h5", "optimizer/vars/0", "iterations", "9223372036854775807");
    }

    [Fact]
    public void NaNWeightsInEveryModelFormatNameTheFileAndTheWeight()
    {
        using var folder = new TempFolder();
        var model = Trained();
        model.Weights[0].Data[1] = float.NaN; // written straight into the array: SetWeights would refuse it
        string keras = folder.File("nan.keras"), h5 = folder.File("nan.h5"), safetensors = folder.File("nan.safetensors");
        string tfjs = Path.Combine(folder.Path, "tfjs", "model.json");
        Directory.CreateDirectory(Path.GetDirectoryName(tfjs)!);
        model.Save(keras);
        model.Save(h5);
        model.Save(tfjs);
        model.SaveWeights(safetensors);
        Refused(() => Model.Load(keras), "nan.keras/model.weights.h5", "NaN");
        Refused(() => Model.Load(h5), "nan.h5", "NaN");
        Refused(() => Model.Load(tfjs), "model.json", "NaN");
        Refused(() => Trained().LoadWeights(safetensors), "nan.safetensors", "NaN");
    }

    /// <summary>Saves a model and rewrites its config.json through <paramref name="edit"/>.</summary>
    private static string WithConfig(TempFolder folder, Func<string, string> edit)
    {
        string path = folder.File($"edited-{Guid.NewGuid():N}.keras");
        Trained().Save(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("config.json")!;
        string json;
        using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
        string edited = edit(json);
        Assert.NotEqual(json, edited);
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
        writer.Write(edited);
        return path;
    }

    [Theory]
    [InlineData("\"units\":3", "\"units\":-3", "units")]
    [InlineData("\"kernel_constraint\":null", "\"kernel_constraint\":\"no_such_constraint\"", "no_such_constraint")]
    [InlineData("\"activation\":\"relu\"", "\"activation\":\"no_such_activation\"", "no_such_activation")]
    [InlineData("\"learning_rate\":0.01", "\"learning_rate\":-0.01", "compile_config")]
    public void AConfigTheLayersOrOptimizerRefuseNamesTheArchiveEntry(string original, string replacement, string named)
    {
        using var folder = new TempFolder();
        string path = WithConfig(folder, json => json.Replace(original, replacement, StringComparison.Ordinal));
        var e = Refused(() => Model.Load(path), "config.json", named);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void AnExperimentWhoseModelTheLayersRefuseNamesTheFileAndField()
    {
        using var folder = new TempFolder();
        string path = folder.WriteText("bad.json", """
            {"model": {"class_name": "Sequential", "config": {"layers": [
                {"class_name": "Dense", "config": {"units": -4, "batch_shape": [null, 3]}}]}},
             "compile": {"optimizer": "adam", "loss": "mse"},
             "data": {"synthetic": {"kind": "regression", "samples": 16, "features": 3}}}
            """);
        Refused(() => ExperimentFile.Load(path), "bad.json", "field 'model'", "units");
        string broken = folder.WriteText("broken.json", "{\"model\": ");
        Refused(() => ExperimentFile.Load(broken), "broken.json", "JSON");
    }
}
