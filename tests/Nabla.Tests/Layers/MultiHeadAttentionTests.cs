using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py): weights as Keras names and
/// shapes them, the output against attention written out with loops, finite differences, masks and configs.</summary>
public class MultiHeadAttentionTests
{
    private static MultiHeadAttention Built(int heads, int keyDim, int? valueDim, int[] query, int[] value, int seed = 1)
    {
        var layer = new MultiHeadAttention(heads, keyDim, valueDim);
        layer.BuildForInputs([query, value]);
        int s = seed;
        foreach (var w in layer.Weights) GradientCheck.Random(s++, -0.6, 0.6, w.Shape).Data.CopyTo(w.Data, 0);
        return layer;
    }

    [Fact]
    public void WeightsHaveKerasNamesAndShapes()
    {
        var layer = Built(2, 3, 4, [5, 6], [7, 8]);
        Assert.Equal(["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias", "attention_output/kernel",
            "attention_output/bias"], layer.Weights.Select(w => w.Name![(layer.Name.Length + 1)..]));
        Assert.Equal([[6, 2, 3], [2, 3], [8, 2, 3], [2, 3], [8, 2, 4], [2, 4], [2, 4, 6], [6]], layer.Weights.Select(w => w.Shape));
        Assert.Equal([5, 6], layer.OutputShape!);
    }

    [Fact]
    public void TheOutputIsSoftmaxAttentionPerHeadWrittenOut()
    {
        const int heads = 2, keyDim = 3, valueDim = 2, queries = 4, keys = 5, features = 3;
        var layer = Built(heads, keyDim, valueDim, [queries, features], [keys, features]);
        var query = GradientCheck.Random(20, -1, 1, 2, queries, features);
        var value = GradientCheck.Random(21, -1, 1, 2, keys, features);
        var y = layer.Call([query, value], training: false);
        var (wq, bq, wk, bk, wv, bv, wo, bo) = (layer.Weights[0], layer.Weights[1], layer.Weights[2], layer.Weights[3], layer.Weights[4],
            layer.Weights[5], layer.Weights[6], layer.Weights[7]);
        double Proj(Tensor x, int b, int t, Tensor w, Tensor bias, int h, int d, int dim)
        {
            double sum = bias.Data[h * dim + d];
            for (int f = 0; f < features; f++) sum += x.Data[(b * x.Shape[1] + t) * features + f] * w.Data[(f * heads + h) * dim + d];
            return sum;
        }
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < queries; i++)
            {
                var context = new double[heads, valueDim];
                for (int h = 0; h < heads; h++)
                {
                    var scores = new double[keys];
                    for (int j = 0; j < keys; j++)
                        for (int d = 0; d < keyDim; d++)
                            scores[j] += Proj(query, b, i, wq, bq, h, d, keyDim) * Proj(value, b, j, wk, bk, h, d, keyDim) / Math.Sqrt(keyDim);
                    double max = scores.Max(), total = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j < keys; j++)
                        for (int d = 0; d < valueDim; d++)
                            context[h, d] += Math.Exp(scores[j] - max) / total * Proj(value, b, j, wv, bv, h, d, valueDim);
                }
                for (int o = 0; o < features; o++)
                {
                    double expected = bo.Data[o];
                    for (int h = 0; h < heads; h++)
                        for (int d = 0; d < valueDim; d++) expected += context[h, d] * wo.Data[(h * valueDim + d) * features + o];
                    Assert.Equal(expected, y.Data[(b * queries + i) * features + o], 1e-5);
                }
            }
    }

    [Fact]
    public void MatchesFiniteDifferencesForInputsAndEveryWeight()
    {
        var layer = Built(2, 2, 3, [3, 4], [4, 4]);
        var query = GradientCheck.Random(30, -1, 1, 2, 3, 4);
        var value = GradientCheck.Random(31, -1, 1, 2, 4, 4);
        var key = GradientCheck.Random(32, -1, 1, 2, 4, 4);
        var withKey = new MultiHeadAttention(2, 2, 3);
        withKey.BuildForInputs([[3, 4], [4, 4], [4, 4]]);
        for (int w = 0; w < layer.Weights.Count; w++) layer.Weights[w].Data.CopyTo(withKey.Weights[w].Data, 0);
        GradientCheck.Check(t => layer.Call([t[0], t[1]], training: true), [query, value, .. layer.Weights]);
        GradientCheck.Check(t => withKey.Call([t[0], t[1], t[2]], training: true), [query, value, key]);
    }

    [Fact]
    public void MaskedKeyStepsDoNotChangeTheOutputAndTheQueryMaskPassesOn()
    {
        Utils.SetRandomSeed(4);
        var tokens = new Input(shape: [6]);
        var embedded = new Embedding(20, 4, maskZero: true).Apply(tokens);
        var attended = new MultiHeadAttention(2, 3).Apply(embedded, embedded);
        var model = new Model(tokens, new GlobalMaxPooling1D().Apply(new Dense(2).Apply(attended)));
        var x = Tensor.FromArray([5, 7, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0], 2, 6);
        var layer = (MultiHeadAttention)model.Layers.First(l => l is MultiHeadAttention);
        var sub = new Model(tokens, attended);
        var a = sub.Predict(x);
        // Without the mask the padding steps change every query's output.
        var unmasked = new MultiHeadAttention(2, 3);
        unmasked.BuildForInputs([[6, 4], [6, 4]]);
        for (int w = 0; w < layer.Weights.Count; w++) layer.Weights[w].Data.CopyTo(unmasked.Weights[w].Data, 0);
        var embedding = (Embedding)model.Layers.First(l => l is Embedding);
        var e = embedding.Call(x, false);
        e.KerasMask = null;
        var plain = unmasked.Call([e, e], false);
        Assert.Contains(Enumerable.Range(0, 3 * 4), i => Math.Abs(plain.Data[i] - a.Data[i]) > 1e-4);
        // With it, sample 0's first three steps equal attention over those three tokens alone.
        var short3 = new MultiHeadAttention(2, 3);
        short3.BuildForInputs([[3, 4], [3, 4]]);
        for (int w = 0; w < layer.Weights.Count; w++) layer.Weights[w].Data.CopyTo(short3.Weights[w].Data, 0);
        var e3 = Tensor.Slice(e, [0, 0, 0], [1, 3, 4]);
        var alone = short3.Call([e3, e3], false);
        for (int i = 0; i < alone.Size; i++) Assert.Equal(alone.Data[i], a.Data[i], 1e-5);
        Assert.NotNull(layer.Call([embedding.CallWithMask(x, false), embedding.CallWithMask(x, false)], false).KerasMask);
    }

    [Fact]
    public void KerasWeightsFilesKeepTheWeightsInTheFourEinsumDenseSublayers()
    {
        // Keras 3's saving walks MultiHeadAttention's sublayers: "layers/multi_head_attention/_query_dense/vars/0" (kernel), "/1" (bias)...
        Utils.SetRandomSeed(7);
        var input = new Input(shape: [4, 6]);
        var model = new Model(input, new MultiHeadAttention(2, 3).Apply(input, input));
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("model.weights.h5");
        model.SaveWeights(path);
        using (var file = Nabla.Serialization.Hdf5.Hdf5Reader.Open(path))
        {
            Assert.Empty(file.Children("layers/multi_head_attention/vars").Datasets);
            foreach (var (child, kernel) in new[] { ("_query_dense", "[6, 2, 3]"), ("_key_dense", "[6, 2, 3]"), ("_value_dense", "[6, 2, 3]"), ("_output_dense", "[2, 3, 6]") })
            {
                Assert.Equal(["0", "1"], file.Children($"layers/multi_head_attention/{child}/vars").Datasets.Order());
                Assert.Equal(kernel, Tensor.ShapeString(file.Shape($"layers/multi_head_attention/{child}/vars/0")));
            }
        }
        var fresh = new Model(input, new MultiHeadAttention(2, 3).Apply(input, input));
        fresh.LoadWeights(path);
        var x = GradientCheck.Random(8, -1, 1, 3, 4, 6);
        Assert.Equal(model.Predict(x).Data, fresh.Predict(x).Data);
    }

    [Fact]
    public void ATransformerBlockTrainsAndItsConfigRoundTrips()
    {
        Utils.SetRandomSeed(5);
        var tokens = new Input(shape: [8]);
        var x = new Embedding(30, 8).Apply(tokens);
        var attention = new MultiHeadAttention(2, 4, dropout: 0.1, name: "mha").Apply(x, x);
        x = new LayerNormalization(epsilon: 1e-6).Apply(new Add().Apply(x, attention));
        var y = new Dense(1, activation: "sigmoid").Apply(new GlobalAveragePooling1D().Apply(x));
        var model = new Model(tokens, y);
        model.Compile("adam", "binary_crossentropy", metrics: ["accuracy"]);
        var data = new Tensor(64, 8);
        var labels = new Tensor(64, 1);
        var rng = new RandomGenerator(6);
        for (int s = 0; s < 64; s++)
        {
            for (int t = 0; t < 8; t++) data.Data[s * 8 + t] = 1 + rng.NextInt(29);
            labels.Data[s] = data.Data[s * 8] > 15 ? 1 : 0;
        }
        var history = model.Fit(data, labels, epochs: 30, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.8);
        var rebuilt = Nabla.Serialization.KerasModelJson.FromJson(Nabla.Serialization.KerasModelJson.ToJson(model));
        rebuilt.SetWeights(model.GetWeights());
        Assert.Equal(model.Predict(data).Data, rebuilt.Predict(data).Data);
        var keras = (MultiHeadAttention)Layer.Deserialize(Config.Parse(
            """{"class_name": "MultiHeadAttention", "config": {"name": "m", "num_heads": 4, "key_dim": 16, "value_dim": null, "dropout": 0.0, "output_shape": null, "attention_axes": null}}"""));
        Assert.Equal((4, 16, 16), (keras.NumHeads, keras.KeyDim, keras.ValueDim));
        Assert.Null(keras.AttentionAxes);
    }

    /// <summary>A copy of x with every step from <paramref name="from"/> on changed.</summary>
    private static Tensor LaterStepsChanged(Tensor x, int from)
    {
        var changed = Tensor.FromArray((float[])x.Data.Clone(), x.Shape);
        int steps = x.Shape[1], features = x.Shape[2];
        for (int b = 0; b < x.Shape[0]; b++)
            for (int t = from; t < steps; t++)
                for (int f = 0; f < features; f++) changed.Data[(b * steps + t) * features + f] += 0.7f;
        return changed;
    }

    private static float[] Step(Tensor y, int b, int t) => y.Data.AsSpan((b * y.Shape[1] + t) * y.Shape[2], y.Shape[2]).ToArray();

    [Fact]
    public void WithTheCausalMaskNoStepSeesALaterOneInEitherAttentionLayer()
    {
        var mha = Built(2, 3, 3, [5, 4], [5, 4]);
        var attention = new Attention(useScale: true);
        attention.BuildForInputs([[5, 4], [5, 4]]);
        var x = GradientCheck.Random(40, -1, 1, 2, 5, 4);
        var changed = LaterStepsChanged(x, from: 3);
        foreach (var call in new Func<Tensor, bool, Tensor>[]
                 {
                     (input, causal) => mha.Call(input, input, null, training: false, useCausalMask: causal),
                     (input, causal) => attention.Call(input, input, null, training: false, useCausalMask: causal),
                 })
        {
            var (before, after) = (call(x, true), call(changed, true));
            for (int b = 0; b < 2; b++)
            {
                for (int t = 0; t < 3; t++) Assert.Equal(Step(before, b, t), Step(after, b, t));
                Assert.NotEqual(Step(before, b, 3), Step(after, b, 3));
            }
            // Without the mask the first step reads the later ones too.
            Assert.NotEqual(Step(call(x, false), 0, 0), Step(call(changed, false), 0, 0));
        }
    }

    [Fact]
    public void TheCausalPathMatchesFiniteDifferencesWithFewerQueriesThanKeys()
    {
        var layer = Built(2, 2, 3, [3, 4], [4, 4]);
        var query = GradientCheck.Random(41, -1, 1, 2, 3, 4);
        var value = GradientCheck.Random(42, -1, 1, 2, 4, 4);
        value.KerasMask = Tensor.FromArray([1, 1, 0, 1, 1, 1, 1, 0], 2, 4);
        GradientCheck.Check(t => layer.Call(t[0], t[1], null, training: true, useCausalMask: true), [query, value, .. layer.Weights]);
    }

    [Fact]
    public void TheCausalOptionIsAKerasCallKeywordInConfigsAndOtherLayersRefuseIt()
    {
        Utils.SetRandomSeed(9);
        var tokens = new Input(shape: [6]);
        var x = new Embedding(12, 8).Apply(tokens);
        x = new MultiHeadAttention(2, 4, name: "self_attention").Apply(x, x, useCausalMask: true);
        var model = new Model(tokens, new Dense(12, activation: "softmax", name: "next").Apply(x));
        string json = Nabla.Serialization.KerasModelJson.ToJson(model);
        Assert.Contains("\"kwargs\":{\"use_causal_mask\":true}", json.Replace(" ", "").Replace("\n", ""));
        var rebuilt = Nabla.Serialization.KerasModelJson.FromJson(json);
        Assert.Equal(json, Nabla.Serialization.KerasModelJson.ToJson(rebuilt));
        rebuilt.SetWeights(model.GetWeights());
        var data = new Tensor(3, 6);
        for (int i = 0; i < data.Size; i++) data.Data[i] = i % 12;
        Assert.Equal(model.Predict(data).Data, rebuilt.Predict(data).Data);
        // The option reached the rebuilt call: a later token leaves the first step's prediction alone.
        var later = Tensor.FromArray((float[])data.Data.Clone(), data.Shape);
        later.Data[5] = 11;
        Assert.Equal(Step(rebuilt.Predict(data), 0, 0), Step(rebuilt.Predict(later), 0, 0));

        var config = Nabla.Serialization.KerasModelJson.ToConfig(model);
        var head = ((List<object?>)((Config)config["config"]!)["layers"]!).Cast<Config>().Single(l => (string?)l["name"] == "next");
        ((Config)((Config)((List<object?>)head["inbound_nodes"]!)[0]!)["kwargs"]!)["use_causal_mask"] = true;
        var refused = Assert.Throws<ArgumentException>(() => Nabla.Serialization.KerasModelJson.FromConfig(config));
        Assert.Contains("call arguments 'use_causal_mask' of layer \"next\" (Dense) are not supported", refused.Message);
        var direct = Assert.Throws<ArgumentException>(() => new Dense(2, name: "d").ApplyAll([new Input([4])],
            new Config { ["use_causal_mask"] = true }));
        Assert.Contains("Layer 'd' (Dense) takes no call option 'use_causal_mask'; its call options are training.", direct.Message);
    }

    [Fact]
    public void OutputShapeSetsTheOutputProjectionsWidthAsKeras()
    {
        // Keras keeps output_shape as a tuple (multi_head_attention.py: an int becomes (int,)), so configs hold [8].
        foreach (string given in new[] { "8", "[8]" })
        {
            var layer = (MultiHeadAttention)Layer.Deserialize(Config.Parse(
                "{\"class_name\": \"MultiHeadAttention\", \"config\": {\"name\": \"m\", \"num_heads\": 2, \"key_dim\": 3, \"output_shape\": " + given +
                ", \"flash_attention\": false}}"));
            Assert.Equal(8, layer.OutputFeatures);
            layer.BuildForInputs([[5, 6], [7, 4]]);
            Assert.Equal([5, 8], layer.OutputShape!);
            Assert.Equal([[2, 3, 8], [8]], layer.Weights.Skip(6).Select(w => w.Shape));
            var y = layer.Call(GradientCheck.Random(1, -1, 1, 2, 5, 6), GradientCheck.Random(2, -1, 1, 2, 7, 4), null, false, false);
            Assert.Equal([2, 5, 8], y.Shape);
            Assert.Equal(new List<object?> { 8L }, layer.GetConfig()["output_shape"]);
        }
        var refused = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "MultiHeadAttention", "config": {"name": "m", "num_heads": 2, "key_dim": 3, "output_shape": [2, 4]}}""")));
        Assert.Contains("'output_shape' is a list", refused.Message);
    }
}
