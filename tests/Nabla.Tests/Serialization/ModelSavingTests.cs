using Nabla.Serialization;
using System.IO.Compression;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Configuration;
using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization;

/// <summary>SaveWeights/LoadWeights (safetensors) and Save/Load (the ".keras"-style zip) round trips.</summary>
public class ModelSavingTests
{
    private static Sequential Classifier(string? firstName = null) => new(
        new Dense(8, activation: "relu", inputShape: [4], name: firstName),
        new BatchNormalization(),
        new Dense(3, activation: "softmax"));

    private static (Tensor x, Tensor y) Blobs()
    {
        var (x, labels) = Synthetic.Classification(120, 4, 3, seed: 2, noise: 0.3);
        return (x, Preprocessing.ToCategorical(labels, 3));
    }

    private static Sequential Trained()
    {
        Utils.SetRandomSeed(11);
        var model = Classifier();
        model.Compile(new Adam(learningRate: 0.01), "categorical_crossentropy", ["accuracy"]);
        var (x, y) = Blobs();
        model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0);
        return model;
    }

    [Fact]
    public void SaveWeightsThenLoadWeightsGivesIdenticalPredictions()
    {
        using var folder = new TempFolder();
        var trained = Trained();
        string path = folder.File("model.weights.safetensors");
        trained.SaveWeights(path);

        var fresh = Classifier();
        var (x, _) = Blobs();
        Assert.NotEqual(trained.Predict(x).Data, fresh.Predict(x).Data);
        fresh.LoadWeights(path);
        Assert.Equal(trained.Predict(x).Data, fresh.Predict(x).Data);
    }

    [Fact]
    public void WeightsAreNamedByLayerClassAndPositionNotByLayerName()
    {
        // Keras 3's saving_lib addresses layers as snake_case class + per-class counter, since
        // auto-generated layer names differ between two instances of one architecture.
        using var folder = new TempFolder();
        var model = Classifier(firstName: "my_input_dense");
        string path = folder.File("w.safetensors");
        model.SaveWeights(path);
        var names = SafetensorsFile.Read(path).Tensors.Keys.Order(StringComparer.Ordinal);
        Assert.Equal(
            ["batch_normalization/beta", "batch_normalization/gamma", "batch_normalization/moving_mean",
             "batch_normalization/moving_variance", "dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"],
            names);
    }

    [Fact]
    public void LoadWeightsListsMissingUnexpectedAndMismatchedNamesAndChangesNothing()
    {
        using var folder = new TempFolder();
        var model = Classifier();
        string path = folder.File("w.safetensors");
        model.SaveWeights(path);
        var tensors = SafetensorsFile.Read(path).Tensors.Where(t => t.Key != "dense/bias").ToDictionary();
        tensors["dense/kernel"] = new Tensor(4, 7);
        tensors["stray/kernel"] = new Tensor(1);
        SafetensorsFile.Write(path, tensors);
        var before = model.GetWeights();

        var e = Assert.Throws<Nabla.Data.DataFormatException>(() => model.LoadWeights(path));
        Assert.Contains("missing 'dense/bias'", e.Message);
        Assert.Contains("unexpected 'stray/kernel'", e.Message);
        Assert.Contains("'dense/kernel' expected [4, 8], found [4, 7]", e.Message);
        var after = model.GetWeights();
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Data, after[i].Data);
    }

    [Theory]
    [InlineData("model.bin")]
    [InlineData("model.h5.tmp")]
    public void WeightPathsMustNameAFormatAndTheMessageListsThem(string name)
    {
        var model = Classifier();
        var e = Assert.Throws<ArgumentException>(() => model.SaveWeights(name));
        Assert.Contains("\".safetensors\"", e.Message);
        Assert.Contains("\".weights.h5\"", e.Message);
        Assert.Throws<ArgumentException>(() => model.LoadWeights(name));
    }

    [Fact]
    public void SaveWeightsThenLoadWeightsThroughKerasWeightsH5GivesIdenticalPredictions()
    {
        using var folder = new TempFolder();
        var trained = Trained();
        string path = folder.File("model.weights.h5");
        trained.SaveWeights(path);
        var fresh = Classifier();
        var (x, _) = Blobs();
        fresh.LoadWeights(path);
        Assert.Equal(trained.Predict(x).Data, fresh.Predict(x).Data);
    }

    [Fact]
    public void SaveThenLoadRestoresArchitectureWeightsAndCompileConfig()
    {
        using var folder = new TempFolder();
        var trained = Trained();
        string path = folder.File("model.keras");
        trained.Save(path);

        var loaded = Model.Load(path);
        var (x, y) = Blobs();
        Assert.Equal(trained.Predict(x).Data, loaded.Predict(x).Data);
        // The archive declares the input with an explicit InputLayer, as Keras 3 does; otherwise the configs are equal.
        Assert.Equal(KerasConfigStyle.ForKeras(KerasModelJson.ToConfig(trained)).ToJsonString(),
            KerasConfigStyle.ForKeras(KerasModelJson.ToConfig(loaded)).ToJsonString());
        var optimizer = Assert.IsType<Adam>(loaded.Optimizer);
        Assert.Equal(0.01, optimizer.LearningRate, 1e-12);
        Assert.Equal("CategoricalCrossentropy", loaded.Loss!.ClassName);
        Assert.Equal(["accuracy"], loaded.MetricSpecs.Cast<string>());
        Assert.Contains("accuracy", loaded.Fit(x, y, epochs: 1, verbose: 0).Keys);
    }

    [Fact]
    public void ArchiveHoldsConfigMetadataAndWeightsEntries()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.keras");
        Classifier().Save(path);
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(["config.json", "metadata.json", "model.weights.h5"], zip.Entries.Select(e => e.FullName).Order());
        // Keras writes every entry stored (saving_lib: zipfile.ZIP_STORED); Nabla does the same.
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        using var reader = new StreamReader(zip.GetEntry("metadata.json")!.Open());
        var metadata = Config.Parse(reader.ReadToEnd());
        Assert.StartsWith("3.", metadata.GetString("keras_version"));
        Assert.True(metadata.ContainsKey("nabla_version"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}$", metadata.GetString("date_saved"));
    }

    [Fact]
    public void ModelBuiltByFitWithoutDeclaredInputShapeIsRebuiltFromBuildConfig()
    {
        using var folder = new TempFolder();
        var model = new Sequential(new Dense(5, activation: "tanh"), new Dense(2));
        model.Build([3]);
        string path = folder.File("m.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        var x = Tensor.FromArray([1f, 2f, 3f, -1f, 0f, 0.5f], 2, 3);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.False(loaded.IsCompiled);
    }

    [Fact]
    public void ArchiveWithoutWeightsOrNotAZipIsRejectedWithTheEntriesFound()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.keras");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("config.json").Open()))
            writer.Write(KerasModelJson.ToJson(Classifier()));
        var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
        Assert.Contains("model.weights.h5", e.Message);
        Assert.Contains("entries: config.json", e.Message);

        string notZip = folder.WriteText("n.keras", "hello");
        Assert.Contains("not a zip", Assert.Throws<DataFormatException>(() => Model.Load(notZip)).Message);
    }

    [Fact]
    public void CompileConfigWithoutALossIsRejectedNamingTheField()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.keras");
        Trained().Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("config.json")!;
            Config config;
            using (var reader = new StreamReader(entry.Open())) config = Config.Parse(reader.ReadToEnd());
            config.GetConfig("compile_config")!.Remove("loss");
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
            writer.Write(config.ToJsonString());
        }
        var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
        Assert.Contains("compile_config.loss", e.Message);
        Assert.Contains("config.json", e.Message);
    }
}
