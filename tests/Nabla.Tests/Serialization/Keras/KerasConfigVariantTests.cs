using Nabla.Configuration;
using System.IO.Compression;
using Nabla.Serialization;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// Variants seen in real config.json files, applied to the Keras 3.10 fixture's config (rewritten into a temporary
/// archive): keys that change nothing load, keys that change the math are refused by name.
/// </summary>
public class KerasConfigVariantTests
{
    private const string Fixture = "mnist_flatten_dense_dropout_k3.10.0.keras";

    private static string WithConfig(TempFolder folder, Action<Config> change)
    {
        using var source = ZipFile.OpenRead(KerasFixtures.File(Fixture));
        string path = folder.File($"variant-{Guid.NewGuid():N}.keras");
        using var target = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in source.Entries)
        {
            using var input = entry.Open();
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            byte[] bytes = buffer.ToArray();
            if (entry.FullName == "config.json")
            {
                var config = Config.Parse(System.Text.Encoding.UTF8.GetString(bytes));
                change(config);
                bytes = System.Text.Encoding.UTF8.GetBytes(config.ToJsonString());
            }
            using var output = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
            output.Write(bytes);
        }
        return path;
    }

    private static List<object?> Layers(Config config) => (List<object?>)config.GetConfig("config")!["layers"]!;

    private static Config LayerConfig(Config config, int index) => ((Config)Layers(config)[index]!).GetConfig("config")!;

    [Fact]
    public void Harmless_variants_load_and_predict_as_the_fixture()
    {
        using var folder = new TempFolder();
        string path = WithConfig(folder, config =>
        {
            LayerConfig(config, 0)["optional"] = false;                              // InputLayer, Keras 3.15
            LayerConfig(config, 2)["quantization_config"] = null;                   // Dense, Keras 3.15
            var compile = config.GetConfig("compile_config")!;
            compile["loss"] = new Config { ["module"] = "builtins", ["class_name"] = "function", ["config"] = "sparse_categorical_crossentropy", ["registered_name"] = "function" };
            compile["metrics"] = new List<object?>
            {
                "accuracy",
                new Config { ["module"] = "keras.metrics", ["class_name"] = "AUC", ["config"] = new Config { ["name"] = "auc" }, ["registered_name"] = null },
            };
            compile.GetConfig("optimizer")!.GetConfig("config")!["ema_overwrite_frequency"] = null;
        });
        var model = Model.Load(path);
        KerasFixtures.AssertPredicts(model, Fixture);
        Assert.Equal("SparseCategoricalCrossentropy", model.Loss!.ClassName);
        Assert.Equal(2, model.MetricSpecs.Count);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(new[] { 0.5 })]
    public void Loss_weights_of_a_single_output_load_as_a_number_or_a_one_item_list(object weights)
    {
        using var folder = new TempFolder();
        string path = WithConfig(folder, config => config.GetConfig("compile_config")!["loss_weights"] =
            weights is double[] list ? list.Select(w => (object?)w).ToList() : weights);
        Assert.Equal([0.5f], Model.Load(path).LossWeights);
    }

    [Theory]
    [InlineData("dtype", "float16")]
    [InlineData("policy", "mixed_float16")]
    [InlineData("quantization_config", "quantization_config")]
    [InlineData("ragged", "'ragged' is true")]
    [InlineData("use_ema", "use_ema")]
    public void Keys_that_change_the_math_are_refused_by_name(string variant, string named)
    {
        using var folder = new TempFolder();
        string path = WithConfig(folder, config =>
        {
            switch (variant)
            {
                case "dtype": LayerConfig(config, 2)["dtype"] = "float16"; break;
                case "policy": LayerConfig(config, 2).GetConfig("dtype")!.GetConfig("config")!["name"] = "mixed_float16"; break;
                case "quantization_config": LayerConfig(config, 2)["quantization_config"] = new Config { ["mode"] = "int8" }; break;
                case "ragged": LayerConfig(config, 0)["ragged"] = true; break;
                case "use_ema": config.GetConfig("compile_config")!.GetConfig("optimizer")!.GetConfig("config")!["use_ema"] = true; break;
            }
        });
        var e = Assert.ThrowsAny<Exception>(() => Model.Load(path));
        Assert.True(e is NotSupportedException or ArgumentException, e.ToString());
        Assert.Contains(named, e.Message);
    }
}
