using Nabla.Configuration;
using System.IO.Compression;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Serialization;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// What Nabla writes has Keras's own layout: the HDF5 tree (paths, dtypes, shapes, attributes) of a model saved by
/// Nabla equals that of the fixture Keras saved for the same architecture, read back with PureHDF; and every file
/// Nabla writes loads back into Nabla with identical predictions.
/// </summary>
public class KerasLayoutWritingTests
{
    private const string Keras310 = "mnist_flatten_dense_dropout_k3.10.0.keras";

    /// <summary>The fixture's architecture (SOURCES.md), with its layer and model names, compiled as it was and
    /// trained one step so that Adam has built its slots as Keras's had.</summary>
    private static Sequential MnistLikeFixture()
    {
        var model = new Sequential(
            [
                new Flatten(inputShape: [28, 28], name: "flatten"),
                new Dense(128, "relu", name: "dense"), new Dropout(0.2, name: "dropout"),
                new Dense(32, "relu", name: "dense_1"), new Dropout(0.2, name: "dropout_1"),
                new Dense(10, "softmax", name: "dense_2"),
            ], "sequential");
        model.Compile(new Adam(), "sparse_categorical_crossentropy", ["accuracy"]);
        var (x, _) = KerasFixtures.Case(Keras310);
        model.Fit(x, Tensor.FromArray([1f, 2f, 3f, 4f], 4), epochs: 1, batchSize: 4, verbose: 0);
        return model;
    }

    [Fact]
    public void Saved_archive_has_the_hdf5_tree_keras_3_10_wrote_for_the_same_architecture()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.keras");
        MnistLikeFixture().Save(path);
        var keras = Hdf5Tree.Describe(Hdf5Tree.WeightsEntry(KerasFixtures.File(Keras310)));
        var nabla = Hdf5Tree.Describe(Hdf5Tree.WeightsEntry(path));
        Assert.Equal(keras.Keys, nabla.Keys);
        foreach (var (objectPath, description) in keras) Assert.Equal((objectPath, description), (objectPath, nabla[objectPath]));
    }

    [Fact]
    public void Saved_weights_file_has_the_tree_of_the_keras_weights_fixture()
    {
        using var folder = new TempFolder();
        var model = new Sequential(
            [new Dense(64, "relu", inputShape: [12], name: "dense_3"), new Dense(32, "relu", name: "dense_4"), new Dense(1, "sigmoid", name: "dense_5")],
            "sequential_1");
        model.Compile(new Adam(), "binary_crossentropy");
        var (x, _) = KerasFixtures.Case("churn_dense.weights.h5");
        model.Fit(x, Tensor.FromArray([0f, 1f, 0f, 1f], 4, 1), epochs: 1, batchSize: 4, verbose: 0);
        string path = folder.File("w.weights.h5");
        model.SaveWeights(path);
        var keras = Hdf5Tree.Describe(File.ReadAllBytes(KerasFixtures.File("churn_dense.weights.h5")));
        var nabla = Hdf5Tree.Describe(File.ReadAllBytes(path));
        Assert.Equal(keras, nabla);
    }

    [Fact]
    public void Saved_config_declares_an_input_layer_and_module_and_registered_name_on_every_object()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.keras");
        MnistLikeFixture().Save(path);
        using var zip = ZipFile.OpenRead(path);
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
        var config = Config.Parse(reader.ReadToEnd());
        var layers = (List<object?>)config.GetConfig("config")!["layers"]!;
        var input = (Config)layers[0]!;
        Assert.Equal("InputLayer", input.GetString("class_name"));
        Assert.Equal([-1, 28, 28], input.GetConfig("config")!.GetIntArray("batch_shape")!);
        Assert.False(((Config)layers[1]!).GetConfig("config")!.ContainsKey("batch_shape"));
        var objects = new List<Config>();
        Collect(config, objects);
        Assert.True(objects.Count > 10);
        Assert.All(objects, o =>
        {
            Assert.True(o.ContainsKey("module"), $"{o.GetString("class_name")} has no module");
            Assert.True(o.ContainsKey("registered_name"), $"{o.GetString("class_name")} has no registered_name");
        });
        Assert.Equal("keras.layers", input.GetString("module"));
        Assert.Equal("keras.initializers", ((Config)layers[2]!).GetConfig("config")!.GetConfig("kernel_initializer")!.GetString("module"));
        Assert.Equal("keras.optimizers", config.GetConfig("compile_config")!.GetConfig("optimizer")!.GetString("module"));
    }

    private static void Collect(object? value, List<Config> objects)
    {
        if (value is Config c)
        {
            if (c.ContainsKey("class_name") && c.ContainsKey("config")) objects.Add(c);
            foreach (var child in c.Values) Collect(child, objects);
        }
        else if (value is List<object?> list) foreach (var item in list) Collect(item, objects);
    }

    [Theory]
    [InlineData("m.keras")]
    [InlineData("m.h5")]
    [InlineData("tfjs/model.json")]
    public void Every_saved_form_loads_back_and_predicts_identically(string name)
    {
        using var folder = new TempFolder();
        var model = MnistLikeFixture();
        string path = folder.File(name);
        model.Save(path);
        var loaded = Model.Load(path);
        var (x, _) = KerasFixtures.Case(Keras310);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal("Adam", loaded.Optimizer!.ClassName);
    }

    [Fact]
    public void Fixture_loaded_then_saved_by_nabla_predicts_as_the_fixture()
    {
        using var folder = new TempFolder();
        var model = Model.Load(KerasFixtures.File("svhn_grayscale_mlp_tfkeras2.2.4.h5"));
        foreach (string name in new[] { "a.keras", "b.h5", "c/model.json" })
        {
            string path = folder.File(name);
            model.Save(path);
            KerasFixtures.AssertPredicts(Model.Load(path), "svhn_grayscale_mlp_tfkeras2.2.4.h5");
        }
    }
}
