using System.IO.Compression;
using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Serialization;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

public class FunctionalConfigTests
{
    private static string FixturePath(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
                return Path.Combine(dir.FullName, "..", "shared", "fixtures", "keras", file);
        throw new DirectoryNotFoundException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }

    private static Model ResidualMlp()
    {
        var inputs = new Input(shape: [12], name: "pixels");
        var h1 = new Dense(8, activation: "relu", name: "h1").Apply(inputs);
        var h2 = new Dense(8, activation: "relu", name: "h2").Apply(h1);
        var sum = new Add(name: "skip").Apply(h1, h2);
        return new Model(inputs, new Dense(3, activation: "softmax", name: "probabilities").Apply(sum), name: "residual_mlp");
    }

    [Fact]
    public void AKeras3FunctionalFileLoadsAsAFunctionalModel()
    {
        // SOURCES.md: Keras 3.9.2, Input(30) → Dense(32, relu) → Dense(16, relu) → Dense(32, relu) → Dense(30), 3,054 parameters.
        using var zip = ZipFile.OpenRead(FixturePath("dense_autoencoder_functional_k3.9.2.keras"));
        using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
        var model = KerasModelJson.FromJson(reader.ReadToEnd(), "config.json");
        Assert.IsNotType<Sequential>(model);
        Assert.Equal("Functional", model.ClassName);
        Assert.Equal("functional_6", model.Name);
        Assert.Equal(["input_layer", "dense", "dense_1", "dense_2", "dense_3"], model.Layers.Select(l => l.Name));
        Assert.Equal([30], model.InputShape!);
        Assert.Equal([30], model.OutputShape!);
        Assert.Equal(3054, model.CountParams());
    }

    [Fact]
    public void AResidualMlpRoundTripsThroughKerasJson()
    {
        Utils.SetRandomSeed(2);
        var model = ResidualMlp();
        string json = KerasModelJson.ToJson(model);
        var config = Config.Parse(json);
        Assert.Equal("Functional", config["class_name"]);
        var inner = config.GetConfig("config")!;
        var skip = ((List<object?>)inner["layers"]!).Cast<Config>().Single(l => (string)l["name"]! == "skip");
        // Keras 3 passes a merge layer its inputs as one list argument of __keras_tensor__ entries.
        var args = (List<object?>)((Config)((List<object?>)skip["inbound_nodes"]!)[0]!)["args"]!;
        var tensors = ((List<object?>)args[0]!).Cast<Config>().ToList();
        Assert.Equal(["h1", "h2"], tensors.Select(t => (string)((List<object?>)t.GetConfig("config")!["keras_history"]!)[0]!));
        Assert.Equal(["pixels", 0L, 0L], ((List<object?>)((List<object?>)inner["input_layers"]!)[0]!));

        var loaded = KerasModelJson.FromJson(json);
        Assert.Equal(model.Layers.Select(l => (l.Name, l.ClassName)), loaded.Layers.Select(l => (l.Name, l.ClassName)));
        Assert.Equal(json, KerasModelJson.ToJson(loaded));
        loaded.SetWeights(model.GetWeights());
        var x = GradientCheck.Random(3, 0, 1, 5, 12);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void AFunctionalModelSavesAndLoadsWholeWithTwoOutputsCompiled()
    {
        Utils.SetRandomSeed(4);
        var input = new Input([5], name: "in");
        var trunk = new Dense(6, activation: "tanh", name: "trunk").Apply(input);
        var model = new Model(input, [new Dense(2, activation: "softmax", name: "out_a").Apply(trunk), new Dense(1, name: "out_b").Apply(trunk)]);
        model.Compile("adam", new[] { "categorical_crossentropy", "mse" }, [new[] { "accuracy" }, null], lossWeights: new[] { 1.0, 0.25 });
        var x = GradientCheck.Random(5, -1, 1, 16, 5);
        var ya = new Tensor(16, 2);
        for (int i = 0; i < 16; i++) ya.Data[i * 2 + (x.Data[i * 5] > 0 ? 1 : 0)] = 1;
        var yb = GradientCheck.Random(6, -1, 1, 16, 1);
        model.Fit([x], [ya, yb], epochs: 2, batchSize: 8, verbose: 0);

        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "two.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal([1f, 0.25f], loaded.LossWeights);
        Assert.Equal(model.Evaluate([x], [ya, yb]), loaded.Evaluate([x], [ya, yb]));
        var p = model.Predict([x]);
        var q = loaded.Predict([x]);
        Assert.Equal(p[0].Data, q[0].Data);
        Assert.Equal(p[1].Data, q[1].Data);
    }

    /// <summary>Keras 3 writes compile arguments as given: per-output dictionaries keyed by output name load too.</summary>
    [Fact]
    public void ACompileConfigWithPerOutputDictionariesCompilesEachOutput()
    {
        var input = new Input([5], name: "in");
        var model = new Model(input, [new Dense(2, activation: "softmax", name: "out_a").Apply(input), new Dense(1, name: "out_b").Apply(input)]);
        var compile = Config.Parse("""
            {"optimizer": "adam",
             "loss": {"out_b": "mse", "out_a": {"module": "builtins", "class_name": "function", "config": "categorical_crossentropy", "registered_name": "function"}},
             "loss_weights": {"out_a": 2.0, "out_b": 0.5},
             "metrics": {"out_a": ["accuracy", {"module": "keras.metrics", "class_name": "AUC", "config": {"name": "auc"}, "registered_name": null}], "out_b": "mae"},
             "weighted_metrics": null}
            """);
        Nabla.Serialization.Saving.KerasCompileConfig.Compile(model, compile, "config.json");
        Assert.Equal(["CategoricalCrossentropy", "MeanSquaredError"], model.Losses.Select(l => l!.ClassName));
        Assert.Equal([2f, 0.5f], model.LossWeights);
        Assert.Equal(2, model.MetricSpecsOf(0).Count);
        Assert.Equal(["mae"], model.MetricSpecsOf(1));

        var written = Nabla.Serialization.Saving.KerasCompileConfig.Write(model);
        Assert.Equal(2, ((List<object?>)written["loss"]!).Count);
        Assert.Equal([2.0, 0.5], ((List<object?>)written["loss_weights"]!).Cast<double>());
        var e = Assert.Throws<Nabla.Data.DataFormatException>(() => Nabla.Serialization.Saving.KerasCompileConfig.Compile(model,
            Config.Parse("""{"optimizer": "adam", "loss": {"out_c": "mse"}}"""), "config.json"));
        Assert.Contains("out_c", e.Message);
        Assert.Contains("config.json", e.Message);
        Assert.Contains("compile_config", e.Message);
    }

    [Fact]
    public void Keras2NestedNodeListsLoad()
    {
        // Keras 2 / TensorFlow.js model.to_json(): class "Model", nodes as [[layer, node, tensor, kwargs], ...].
        const string json = """
        {"class_name": "Model", "config": {"name": "k2", "layers": [
          {"class_name": "InputLayer", "name": "a", "config": {"batch_input_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "a"}, "inbound_nodes": []},
          {"class_name": "InputLayer", "name": "b", "config": {"batch_input_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "b"}, "inbound_nodes": []},
          {"class_name": "Dense", "name": "shared", "config": {"name": "shared", "units": 2, "activation": "linear", "use_bias": true}, "inbound_nodes": [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]},
          {"class_name": "Concatenate", "name": "cat", "config": {"name": "cat", "axis": -1}, "inbound_nodes": [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]}
        ], "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["cat", 0, 0]]}}
        """;
        var model = KerasModelJson.FromJson(json);
        Assert.Equal(["a", "b"], model.InputNames);
        Assert.Equal([4], model.OutputShape!);
        var shared = model.Layers.Single(l => l.Name == "shared");
        Assert.Equal(2, shared.InboundNodes.Count);
        Assert.Equal(2, model.Weights.Count);
    }

    [Fact]
    public void ALayerThatReachesNoOutputIsKeptNotPruned()
    {
        const string json = """
        {"class_name": "Functional", "config": {"name": "dangling", "layers": [
          {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 4], "name": "x"}, "inbound_nodes": []},
          {"class_name": "Dense", "name": "used", "config": {"name": "used", "units": 2}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
          {"class_name": "Dense", "name": "forgotten", "config": {"name": "forgotten", "units": 5}, "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]}
        ], "input_layers": [["x", 0, 0]], "output_layers": [["used", 0, 0]]}}
        """;
        var model = KerasModelJson.FromJson(json);
        Assert.Contains(model.Layers, l => l.Name == "forgotten");
        Assert.Equal(4 * 2 + 2 + 4 * 5 + 5, model.CountParams());
        Assert.Contains("forgotten", KerasModelJson.ToJson(model));
    }

    [Fact]
    public void BadNodesNameTheFieldAndTheLayer()
    {
        const string json = """
        {"class_name": "Functional", "config": {"name": "bad", "layers": [
          {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 4], "name": "x"}, "inbound_nodes": []},
          {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["nowhere", 0, 0, {}]]]}
        ], "input_layers": [["x", 0, 0]], "output_layers": [["d", 0, 0]]}}
        """;
        var e = Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(json, "m.json"));
        Assert.Contains("m.json", e.Message);
        Assert.Contains("layers[1].inbound_nodes[0]", e.Message);
        Assert.Contains("\"nowhere\"", e.Message);
        // A call keyword the layer does not read is refused (training, read by every layer, is tested with nested models).
        var kwargs = json.Replace("[[[\"nowhere\", 0, 0, {}]]]", "[[[\"x\", 0, 0, {\"scale\": 2}]]]");
        Assert.Contains("'scale'", Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(kwargs, "m.json")).Message);
    }
}
