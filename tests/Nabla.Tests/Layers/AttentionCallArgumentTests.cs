using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// The call arguments of Keras's attention layers beyond (query, value, key): MultiHeadAttention's <c>attention_mask</c>
/// tensor [batch, query steps, key steps] ANDed with the padding and causal masks (multi_head_attention.py,
/// _compute_attention_mask), and <c>return_attention_scores</c> (MultiHeadAttention's softmax before its dropout,
/// Attention's weights after it: attention.py, _apply_scores), eager, symbolic and through Keras 3 and tf.keras 2 configs.
/// </summary>
public class AttentionCallArgumentTests
{
    private const int Batch = 2, Queries = 4, Keys = 5, Features = 3, Heads = 2;

    private static MultiHeadAttention Built(int keys, double dropout = 0, string? name = null)
    {
        var layer = new MultiHeadAttention(Heads, 3, 2, dropout: dropout, seed: dropout > 0 ? 3 : null, name: name);
        layer.BuildForInputs([[Queries, Features], [keys, Features]]);
        int seed = 1;
        foreach (var w in layer.Weights) GradientCheck.Random(seed++, -0.6, 0.6, w.Shape).Data.CopyTo(w.Data, 0);
        return layer;
    }

    private static Tensor Query() => GradientCheck.Random(20, -1, 1, Batch, Queries, Features);

    private static Tensor Value() => GradientCheck.Random(21, -1, 1, Batch, Keys, Features);

    private static Tensor PairMask(Func<int, int, int, bool> attended)
    {
        var mask = new Tensor(Batch, Queries, Keys);
        for (int b = 0; b < Batch; b++)
            for (int i = 0; i < Queries; i++)
                for (int j = 0; j < Keys; j++) mask.Data[(b * Queries + i) * Keys + j] = attended(b, i, j) ? 1 : 0;
        return mask;
    }

    [Fact]
    public void AMaskOfOnesChangesNothingAndOneHidingTheLastKeysEqualsLeavingThemOut()
    {
        var (query, value) = (Query(), Value());
        var layer = Built(Keys);
        var plain = layer.CallWithScores(query, value, null, null).Output;
        Assert.Equal(plain.Data, layer.CallWithScores(query, value, null, PairMask((_, _, _) => true)).Output.Data);
        var hidden = layer.CallWithScores(query, value, null, PairMask((_, _, j) => j < 3));
        var shorter = Built(3).CallWithScores(query, value[.., 0..3], null, null).Output;
        for (int i = 0; i < shorter.Size; i++) Assert.Equal(shorter.Data[i], hidden.Output.Data[i], 1e-5);
        // Keras's mask values are booleans: any nonzero value attends.
        Assert.Equal(hidden.Output.Data, layer.CallWithScores(query, value, null, PairMask((_, _, j) => j < 3) * 7f).Output.Data);
    }

    [Fact]
    public void TheGivenMaskIsAndedWithThePaddingAndCausalMasksInTheScores()
    {
        var (query, value) = (Query(), Value());
        var padding = Tensor.FromArray([1, 1, 1, 0, 1, 1, 1, 1, 1, 0], Batch, Keys);
        value.KerasMask = padding;
        // Every query keeps its first key step: a row masked whole would be a uniform softmax, in Keras too.
        var given = PairMask((b, i, j) => (b + i + j) % 3 != 1 || j == 0);
        var (_, scores) = Built(Keys).CallWithScores(query, value, null, given, useCausalMask: true);
        Assert.Equal([Batch, Heads, Queries, Keys], scores.Shape);
        for (int b = 0; b < Batch; b++)
            for (int h = 0; h < Heads; h++)
                for (int i = 0; i < Queries; i++)
                {
                    float sum = 0;
                    for (int j = 0; j < Keys; j++)
                    {
                        float weight = scores[[b, h, i, j]];
                        bool kept = given[[b, i, j]] != 0 && padding[b, j] != 0 && j <= i;
                        Assert.True(kept ? weight > 0 : weight == 0, $"[{b}, {h}, {i}, {j}] kept {kept}, weight {weight}");
                        sum += weight;
                    }
                    Assert.Equal(1f, sum, 1e-5);
                }
    }

    [Fact]
    public void MultiHeadAttentionScoresComeBeforeItsDropoutAndAttentionWeightsAfter()
    {
        var (query, value) = (Query(), Value());
        var (_, scores) = Built(Keys, dropout: 0.5).CallWithScores(query, value, null, null, training: true);
        for (int row = 0; row < scores.Size / Keys; row++)
            Assert.Equal(1f, scores.Data.AsSpan(row * Keys, Keys).ToArray().Sum(), 1e-5);

        var attention = new Attention(dropout: 0.5, seed: 4);
        var (output, weights) = attention.CallWithScores(query, value, training: true);
        Assert.Contains(0f, weights.Data);
        var product = Tensor.BatchMatMul(weights, value);
        for (int i = 0; i < output.Size; i++) Assert.Equal(product.Data[i], output.Data[i], 1e-5);
    }

    [Fact]
    public void MatchesFiniteDifferencesWithAnAttentionMask()
    {
        var layer = Built(Keys);
        var given = PairMask((b, i, j) => (b * 2 + i + j) % 4 != 0);
        GradientCheck.Check(t => layer.CallWithScores(t[0], t[1], null, given, training: true).Output, [Query(), Value(), .. layer.Weights]);
    }

    private static (Model Model, Tensor[] Data) MaskedModelWithScores()
    {
        Utils.SetRandomSeed(7);
        var tokens = new Input([Queries], name: "tokens");
        var pairs = new Input([Queries, Queries], name: "pairs");
        var x = new Embedding(10, 6, name: "embed").Apply(tokens);
        var (attended, scores) = new MultiHeadAttention(Heads, 3, name: "mha").ApplyWithScores(x, x, attentionMask: pairs);
        var model = new Model([tokens, pairs], [new Dense(2, name: "head").Apply(attended), scores]);
        var data = new Tensor(3, Queries);
        for (int i = 0; i < data.Size; i++) data.Data[i] = (i * 7) % 10;
        var mask = new Tensor(3, Queries, Queries);
        for (int i = 0; i < mask.Size; i++) mask.Data[i] = i % 5 == 2 ? 0 : 1;
        return (model, [data, mask]);
    }

    private static void AssertSamePredictions(Model expected, Model actual, Tensor[] data)
    {
        actual.SetWeights(expected.GetWeights());
        var (a, b) = (expected.Predict(data), actual.Predict(data));
        Assert.Equal(a.Length, b.Length);
        for (int k = 0; k < a.Length; k++) Assert.Equal(a[k].Data, b[k].Data);
    }

    private static Config MhaNode(Config modelConfig) =>
        (Config)((List<object?>)((List<object?>)((Config)modelConfig["config"]!)["layers"]!).Cast<Config>()
            .Single(l => (string?)l["name"] == "mha")["inbound_nodes"]!)[0]!;

    [Fact]
    public void AKeras3ConfigCarriesTheMaskAndTheScoresAsKerasWritesThem()
    {
        var (model, data) = MaskedModelWithScores();
        var config = KerasModelJson.ToConfig(model);
        var node = MhaNode(config);
        Assert.Equal(2, ((List<object?>)node["args"]!).Count);
        var kwargs = (Config)node["kwargs"]!;
        Assert.Equal(true, kwargs["return_attention_scores"]);
        Assert.Equal("pairs", ((List<object?>)((Config)((Config)kwargs["attention_mask"]!)["config"]!)["keras_history"]!)[0]);
        AssertSamePredictions(model, KerasModelJson.FromJson(KerasModelJson.ToJson(model)), data);

        // Keras 3 also writes the arguments a user named: mha(query=x, value=x, attention_mask=m).
        var args = (List<object?>)node["args"]!;
        kwargs["query"] = args[0];
        kwargs["value"] = args[1];
        node["args"] = new List<object?>();
        AssertSamePredictions(model, KerasModelJson.FromConfig(config), data);
        kwargs["key"] = kwargs["query"];
        node["args"] = new List<object?> { kwargs["query"] };
        var twice = Assert.Throws<ArgumentException>(() => KerasModelJson.FromConfig(config));
        Assert.Contains("gets 'query' both by position and by keyword", twice.Message);
    }

    [Fact]
    public void ATfKeras2ConfigPassesTheOtherTensorsByKeywordAsTriples()
    {
        var (model, data) = MaskedModelWithScores();
        var config = KerasModelJson.ToConfig(model);
        var layer = ((List<object?>)((Config)config["config"]!)["layers"]!).Cast<Config>().Single(l => (string?)l["name"] == "mha");
        // tf.keras's Node.serialize: the first argument as the entry, every other one by keyword.
        layer["inbound_nodes"] = Config.Parse("""
            {"n": [[["embed", 0, 0, {"value": ["embed", 0, 0], "attention_mask": ["pairs", 0, 0], "return_attention_scores": true,
                    "training": null}]]]}
            """)["n"];
        AssertSamePredictions(model, KerasModelJson.FromConfig(config), data);
        layer["inbound_nodes"] = Config.Parse("""{"n": [[["embed", 0, 0, {"value": ["embed", 0, 0], "query_mask": ["pairs", 0, 0]}]]]}""")["n"];
        var refused = Assert.Throws<ArgumentException>(() => KerasModelJson.FromConfig(config));
        Assert.Contains("call argument 'query_mask' of layer \"mha\" (MultiHeadAttention) is not supported", refused.Message);
    }

    [Fact]
    public void AMaskOfTheWrongShapeIsRefusedByName()
    {
        var layer = Built(Keys, name: "mha");
        var error = Assert.Throws<ArgumentException>(() => layer.CallWithScores(Query(), Value(), null, new Tensor(Batch, Keys, Queries)));
        Assert.Contains("Layer 'mha' (MultiHeadAttention): the attention mask must be (batch, query steps, key steps) = (None, 4, 5); found (None, 5, 4).", error.Message);
    }
}
