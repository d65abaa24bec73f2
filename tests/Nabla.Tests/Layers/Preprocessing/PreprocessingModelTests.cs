using System.Diagnostics;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.Data;

namespace Nabla.Tests.Layers;

/// <summary>CategoryEncoding, Discretization and IntegerLookup inside models: Sequential and functional, the Keras config
/// and the .keras archive, training the layers after them (no gradient reaches their inputs, as in Keras), and the
/// exporters that refuse them.</summary>
public class PreprocessingModelTests
{
    /// <summary>Rows of two integer features in 0..3; the label is whether the first feature is 2 (a task a linear model
    /// on the one-hot codes learns, and not on the raw values).</summary>
    private static (Tensor X, Tensor Y) Codes(int rows)
    {
        var x = new Tensor(rows, 2);
        var y = new Tensor(rows, 1);
        for (int r = 0; r < rows; r++)
        {
            x.Data[2 * r] = r % 4;
            x.Data[2 * r + 1] = (r / 4) % 4;
            y.Data[r] = r % 4 == 2 ? 1 : 0;
        }
        return (x, y);
    }

    [Fact]
    public void CategoryEncodingThenDenseLearnsAndTheEncodingRequiresNoGradient()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(new CategoryEncoding(4, "one_hot", inputShape: [1]), new Dense(1, activation: "sigmoid"));
        model.Compile(new Nabla.Optimizers.Adam(learningRate: 0.1), "binary_crossentropy", ["accuracy"]);
        var (x, y) = Codes(64);
        var first = new Tensor(64, 1);
        for (int r = 0; r < 64; r++) first.Data[r] = x.Data[2 * r];
        var clock = Stopwatch.StartNew();
        var history = model.Fit(first, y, epochs: 30, batchSize: 16, verbose: 0);
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(1.0, history["accuracy"][^1]);
        Assert.Empty(model.Layers[0].Weights);
        // The encoding is a constant of its input: nothing asks its input for a gradient.
        var encoded = model.Layers[0].Call(Tensor.FromArray([1, 2], 2, 1), training: true);
        Assert.False(encoded.RequiresGrad);
    }

    [Fact]
    public void DiscretizationThenDenseLearnsABandOfValues()
    {
        Utils.SetRandomSeed(4);
        var bins = new Discretization(numBins: 4, outputMode: "one_hot", inputShape: [1]);
        var x = new Tensor(80, 1);
        var y = new Tensor(80, 1);
        for (int r = 0; r < 80; r++)
        {
            x.Data[r] = r / 80f;
            y.Data[r] = r is >= 39 and < 59 ? 1 : 0; // the third bucket
        }
        bins.Adapt(x);
        // Keras's compress_summary reads the quantile at 1/4 of 80 values on the 20th value, 19/80, not between two values.
        Assert.Equal([(double)(19 / 80f), (double)(39 / 80f), (double)(59 / 80f)], bins.BinBoundaries!);
        var model = new Sequential(bins, new Dense(1, activation: "sigmoid"));
        model.Compile(new Nabla.Optimizers.Adam(learningRate: 0.1), "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 30, batchSize: 16, verbose: 0);
        Assert.Equal(1.0, history["accuracy"][^1]);
    }

    [Fact]
    public void AFunctionalModelOfTheThreeSavesAndLoadsThroughKerasArchive()
    {
        // A structured-data model as keras.io's examples build it: each feature preprocessed, concatenated, then Dense.
        Utils.SetRandomSeed(5);
        var code = new Input([1], name: "code");
        var amount = new Input([1], name: "amount");
        var ids = new IntegerLookup(name: "ids");
        ids.Adapt(Tensor.FromArray([7, 7, 9, 11, 9, 7], 6, 1));
        var bucketed = new Discretization([0.0, 10.0, 100.0], outputMode: "one_hot", name: "buckets").Apply(amount);
        var looked = new CategoryEncoding(5, "one_hot", name: "codes").Apply(ids.Apply(code));
        var joined = new Concatenate().Apply(looked, bucketed);
        var model = new Model([code, amount], new Dense(1, activation: "sigmoid", name: "head").Apply(joined));
        model.Compile("adam", "binary_crossentropy");
        Tensor[] data = [Tensor.FromArray([7, 9, 11, 3], 4, 1), Tensor.FromArray([-5, 5, 50, 500], 4, 1)];
        model.Fit(data, [Tensor.FromArray([1, 0, 1, 0], 4, 1)], epochs: 2, batchSize: 2, verbose: 0);
        var expected = model.Predict(data);

        var rebuilt = KerasModelJson.FromJson(KerasModelJson.ToJson(model));
        rebuilt.SetWeights(model.GetWeights());
        Assert.Equal(expected[0].Data, rebuilt.Predict(data)[0].Data);

        using var folder = new TempFolder();
        string path = folder.File("structured.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(expected[0].Data, loaded.Predict(data)[0].Data);
        var lookup = (IntegerLookup)loaded.Layers.Single(l => l.Name == "ids");
        Assert.Equal([(long?)-1, 7, 9, 11], lookup.GetVocabulary());
    }

    [Fact]
    public void AFunctionalKeras3ConfigWrittenByHandLoadsAndRuns()
    {
        // Keras 3's functional config of the three layers (the fuzz corpus seed): IntegerLookup with a mask, two OOV
        // indices, tf_idf padded to max_tokens; Discretization one_hot; CategoryEncoding count.
        string path = Path.Combine(Nabla.Tests.TestSupport.RepositoryPaths.Root(), "tests", "Fuzz", "corpus", "model-json", "preprocessing-lookup-bins.json");
        var model = KerasModelJson.FromJson(File.ReadAllText(path), path);
        Assert.Equal([14], model.Layers.Single(l => l.Name == "joined").OutputShape!); // 6 + 4 + 4 slots
        var ids = (IntegerLookup)model.Layers.Single(l => l.Name == "ids");
        // Slots: OOV 0 and 1 (weight 0.5, the given weights' average), 7, 9, 11 (0.5, 0.25, 0.75), one zero slot of padding.
        // 9 -> slot 3; the mask 0 is dropped; 13 and 12 are OOV: floormod by 2 -> slots 1 and 0.
        Assert.Equal([0, 0, 0, 0.25f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f, 0, 0, 0, 0, 0.5f, 0, 0, 0, 0, 0],
            PreprocessingCalls.Run(ids, [9, 0, 13, 12], 4, 1));
        var predictions = model.Predict([Tensor.FromArray([7, 3], 2, 1), Tensor.FromArray([3, 2], 2, 1)]);
        Assert.Equal([2, 1], predictions[0].Shape);
    }

    [Fact]
    public void ASequentialModelRoundTripsThroughItsKerasConfig()
    {
        var model = new Sequential(new IntegerLookup(vocabulary: [3, 5, 8], outputMode: "multi_hot", inputShape: [3]),
            new Dense(2));
        var x = Tensor.FromArray([3, 5, 9, 8, 8, 8], 2, 3);
        var expected = model.Predict(x).Data;
        var rebuilt = KerasModelJson.FromJson(KerasModelJson.ToJson(model));
        rebuilt.SetWeights(model.GetWeights());
        Assert.Equal(expected, rebuilt.Predict(x).Data);
    }

    [Fact]
    public void IntegerLookupFeedsAnEmbeddingThatLearns()
    {
        // The usual pattern: raw integer codes -> indices -> Embedding, its input_dim the lookup's vocabulary_size().
        Utils.SetRandomSeed(7);
        var lookup = new IntegerLookup(vocabulary: [100, 200, 300, 400], inputShape: [1]);
        var model = new Sequential(lookup, new Embedding(lookup.VocabularySize, 3), new Flatten(), new Dense(1, activation: "sigmoid"));
        model.Compile(new Nabla.Optimizers.Adam(learningRate: 0.1), "binary_crossentropy", ["accuracy"]);
        var x = new Tensor(40, 1);
        var y = new Tensor(40, 1);
        for (int r = 0; r < 40; r++)
        {
            x.Data[r] = 100 * (r % 5); // 0 is out of the vocabulary: the OOV index
            y.Data[r] = r % 5 is 2 or 0 ? 1 : 0;
        }
        var history = model.Fit(x, y, epochs: 30, batchSize: 8, verbose: 0);
        Assert.Equal(1.0, history["accuracy"][^1]);
    }

    [Fact]
    public void CountWeightsInAFunctionalConfigIsRefusedByName()
    {
        // category_encoding.py call(inputs, count_weights=None): Nabla does not implement count_weights.
        var input = new Input([2], name: "x");
        var model = new Model(input, new CategoryEncoding(4, "count", name: "codes").Apply(input));
        var config = KerasModelJson.ToConfig(model);
        var layers = (List<object?>)((Config)config["config"]!)["layers"]!;
        var node = (Config)((List<object?>)layers.Cast<Config>().Single(l => (string?)l["name"] == "codes")["inbound_nodes"]!)[0]!;
        node["kwargs"] = new Config { ["count_weights"] = new List<object?> { 0.5, 0.5 } };
        var error = Assert.ThrowsAny<ArgumentException>(() => KerasModelJson.FromConfig(config));
        Assert.Contains("'count_weights' of layer \"codes\" (CategoryEncoding) are not supported", error.Message);
    }

    [Fact]
    public void OnnxExportRefusesThemByName()
    {
        var model = new Sequential(new Discretization([0.0, 1.0], inputShape: [2], name: "bins"), new Dense(1));
        var error = Assert.Throws<NotSupportedException>(() => Nabla.Serialization.Onnx.OnnxExport.ToBytes(model));
        Assert.Contains("'bins' (Discretization)", error.Message);
    }
}
