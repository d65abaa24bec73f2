using Nabla.Data;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// Sharded weights (Keras 3.10+ <c>.weights.json</c>): an index whose <c>weight_map</c> maps vars groups to HDF5
/// shards beside it. No file written by Keras is among the fixtures: these shards are Nabla's own weights files,
/// indexed as Keras's saving_lib describes it.
/// </summary>
public class ShardedWeightsTests
{
    private static Sequential Model3() => new(new Dense(5, "relu", inputShape: [3]), new Dropout(0.1), new Dense(2));

    [Fact]
    public void Weights_spread_over_shards_load_by_the_index()
    {
        using var folder = new TempFolder();
        var saved = Model3();
        saved.SaveWeights(folder.File("model_00000.weights.h5"));
        File.Copy(folder.File("model_00000.weights.h5"), folder.File("model_00001.weights.h5"));
        string index = folder.WriteText("model.weights.json", """
            { "metadata": { "total_size": 0 },
              "weight_map": { "/layers/dense/vars": "model_00000.weights.h5", "/layers/dropout/vars": "model_00000.weights.h5",
                              "/layers/dense_1/vars": "model_00001.weights.h5", "/vars": "model_00001.weights.h5" } }
            """);
        var loaded = Model3();
        loaded.LoadWeights(index);
        var x = Tensor.FromArray([1f, -2f, 0.5f], 1, 3);
        Assert.Equal(saved.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void A_shard_outside_the_index_folder_is_refused()
    {
        using var folder = new TempFolder();
        string index = folder.WriteText("model.weights.json", """{ "weight_map": { "/layers/dense/vars": "../other.weights.h5" } }""");
        var e = Assert.Throws<DataFormatException>(() => Model3().LoadWeights(index));
        Assert.Contains("'../other.weights.h5'", e.Message);
    }

    [Fact]
    public void A_missing_group_is_named()
    {
        using var folder = new TempFolder();
        Model3().SaveWeights(folder.File("model_00000.weights.h5"));
        string index = folder.WriteText("model.weights.json", """{ "weight_map": { "/layers/dense/vars": "model_00000.weights.h5" } }""");
        var e = Assert.Throws<DataFormatException>(() => Model3().LoadWeights(index));
        Assert.Contains("missing 'layers/dense_1/vars'", e.Message);
    }
}
