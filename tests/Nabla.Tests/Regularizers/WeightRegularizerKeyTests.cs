using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Regularizers;

/// <summary>
/// Weight regularizers that Keras layers take beside kernel_regularizer, read from their configs, applied to the weights
/// Keras applies them to, and written back: each adds l2·Σw² over its weights to the layer's losses (Keras's
/// <c>layer.losses</c>; keras/src/regularizers/regularizers.py, L2: <c>l2 * ops.sum(ops.square(x))</c>).
/// </summary>
public class WeightRegularizerKeyTests
{
    public static TheoryData<string, int[], string, string[]> Cases() => new()
    {
        // keras/src/layers/core/embedding.py: embeddings_regularizer on the whole table (the Keras example
        // "Collaborative Filtering for Movie Recommendations" passes l2(1e-6)).
        { """{"class_name": "Embedding", "config": {"input_dim": 5, "output_dim": 3}}""", [4], "embeddings_regularizer", ["embeddings"] },
        // normalization/batch_normalization.py, layer_normalization.py, group_normalization.py: gamma and beta.
        { """{"class_name": "BatchNormalization", "config": {}}""", [3], "gamma_regularizer", ["gamma"] },
        { """{"class_name": "BatchNormalization", "config": {}}""", [3], "beta_regularizer", ["beta"] },
        { """{"class_name": "LayerNormalization", "config": {}}""", [3], "gamma_regularizer", ["gamma"] },
        { """{"class_name": "GroupNormalization", "config": {"groups": 2}}""", [4], "beta_regularizer", ["beta"] },
        // convolutional/base_separable_conv.py: depthwise_regularizer and pointwise_regularizer.
        { """{"class_name": "SeparableConv2D", "config": {"filters": 2, "kernel_size": 2}}""", [3, 3, 2], "depthwise_regularizer", ["depthwise_kernel"] },
        { """{"class_name": "SeparableConv1D", "config": {"filters": 2, "kernel_size": 2}}""", [5, 2], "pointwise_regularizer", ["pointwise_kernel"] },
        // attention/multi_head_attention.py: _get_common_kwargs_for_sublayer gives each EinsumDense the regularizers.
        { """{"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 2}}""", [3, 4], "kernel_regularizer",
            ["query/kernel", "key/kernel", "value/kernel", "attention_output/kernel"] },
        { """{"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 2}}""", [3, 4], "bias_regularizer",
            ["query/bias", "key/bias", "value/bias", "attention_output/bias"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheRegularizerPenalizesItsWeightsAndIsWrittenBack(string json, int[] inputShape, string key, string[] weights)
    {
        Utils.SetRandomSeed(1);
        var spec = Config.Parse(json);
        var config = spec.GetConfig("config")!;
        config["name"] = "layer";
        config[key] = Config.Parse("""{"class_name": "L2", "config": {"l2": 0.5}}""");
        var layer = Layer.Deserialize(spec);
        if (layer is MultiHeadAttention attention) attention.BuildForInputs([inputShape, inputShape]);
        else layer.Build(inputShape);
        // Moves the weights off their initial values so that no penalty is zero by construction (beta starts at zeros).
        foreach (var w in layer.Weights)
            for (int i = 0; i < w.Size; i++) w.Data[i] += 0.1f * (i + 1);

        double expected = 0;
        foreach (string name in weights)
        {
            var weight = layer.Weights.Single(w => w.Name == $"layer/{name}");
            expected += 0.5 * weight.Data.Take(weight.Size).Sum(v => (double)v * v);
        }
        double penalty = layer.PenaltyLosses().Sum(p => (double)p.Data[0]);
        Assert.Equal(expected, penalty, expected * 1e-5);
        Assert.True(expected > 0);
        var written = (Config)layer.GetConfig()[key]!;
        Assert.Equal("L2", written["class_name"]);
        var reread = Layer.Deserialize(Registry<Layer>.Serialize(layer));
        Assert.Equal(layer.GetConfig().ToJsonString(), reread.GetConfig().ToJsonString());
    }
}
