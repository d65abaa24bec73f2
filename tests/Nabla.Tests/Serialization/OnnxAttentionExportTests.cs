using Nabla.Layers;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>MultiHeadAttention, Attention and AdditiveAttention exported as ONNX operators (OnnxAttentionLayers) and run
/// through ONNX Runtime against Predict: self- and cross-attention, with and without biases, keys, scales, the causal mask,
/// another output width or step count, a transformer block; what the export does not write is refused by name.</summary>
public class OnnxAttentionExportTests
{
    private static void AwayFromInitialValues(Model model)
    {
        // Biases start at zero: move every weight so that each one shows in the output.
        foreach (var weight in model.Weights)
            for (int i = 0; i < weight.Size; i++) weight.Data[i] += 0.05f * ((i * 7 + weight.Size) % 11) - 0.25f;
    }

    [Fact]
    public void SelfAttentionMatchesPredict()
    {
        Utils.SetRandomSeed(1);
        var x = new Input(shape: [5, 6]);
        var model = new Model(x, new MultiHeadAttention(2, 3, valueDim: 4).Apply(x, x));
        AwayFromInitialValues(model);
        OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    [Fact]
    public void CrossAttentionWithAKeyTheCausalMaskNoBiasAndAnotherWidthMatchesPredict()
    {
        Utils.SetRandomSeed(2);
        var x = new Input(shape: [4, 6]);
        var value = new Dense(5).Apply(x);
        var key = new Dense(3, activation: "tanh").Apply(x);
        var attended = new MultiHeadAttention(3, 2, useBias: false, outputFeatures: 7).Apply(x, value, key, useCausalMask: true);
        var model = new Model(x, attended);
        AwayFromInitialValues(model);
        OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    [Fact]
    public void ATransformerBlockMatchesPredict()
    {
        Utils.SetRandomSeed(3);
        var x = new Input(shape: [6, 8]);
        var attended = new MultiHeadAttention(2, 4, dropout: 0.1).Apply(x, x, useCausalMask: true);
        var normalized = new LayerNormalization(epsilon: 1e-6).Apply(new Add().Apply(x, attended));
        var y = new Dense(1).Apply(new GlobalAveragePooling1D().Apply(new Dense(16, activation: "relu").Apply(normalized)));
        var model = new Model(x, y);
        AwayFromInitialValues(model);
        OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    [Fact]
    public void WhatTheExportDoesNotWriteIsRefusedByName()
    {
        var x = new Input(shape: [4, 6]);
        var mask = new Input(shape: [4, 4]);
        var masked = new Model([x, mask], [new MultiHeadAttention(2, 3).Apply(x, x, attentionMask: mask)]);
        Assert.Contains("attention_mask", Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(masked)).Message);
        var (output, scores) = new MultiHeadAttention(2, 3).ApplyWithScores(x, x);
        Assert.Contains("scores", Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Model([x], [output, scores]))).Message);
        var image = new Input(shape: [3, 4, 6]);
        Assert.Contains("sequences", Assert.Throws<NotSupportedException>(() =>
            OnnxExport.ToBytes(new Model(image, new MultiHeadAttention(2, 3, attentionAxes: [2]).Apply(image, image)))).Message);
    }

    /// <summary>A model on x [5, 6]: the query a Dense of x, the value (and key) Dense layers of x's last 4 steps, so that
    /// query and key step counts differ, then <paramref name="attention"/> on them; weights moved off their initial values.</summary>
    private static Model AttentionModel(AttentionLayer attention, bool withKey, bool causal)
    {
        var x = new Input(shape: [5, 6]);
        var query = new Dense(4).Apply(x);
        var later = new Cropping1D((1, 0)).Apply(x);
        // Without a key the value is the key, so it needs the query's features.
        var value = new Dense(withKey ? 3 : 4, activation: "tanh").Apply(later);
        var key = withKey ? new Dense(4).Apply(later) : null;
        var model = new Model(x, attention.Apply(query, value, key, useCausalMask: causal));
        AwayFromInitialValues(model);
        return model;
    }

    [Theory]
    [InlineData("dot", false, false, false)]
    [InlineData("dot", true, true, true)]
    [InlineData("dot", true, false, true)]
    [InlineData("concat", false, true, false)]
    [InlineData("concat", true, false, true)]
    [InlineData("concat", true, true, false)]
    public void AttentionMatchesPredict(string scoreMode, bool useScale, bool withKey, bool causal)
    {
        Utils.SetRandomSeed(4);
        // Dropout is the identity in Predict and in the export.
        OnnxRuntimeCheck.AssertMatchesPredict(AttentionModel(new Attention(useScale, scoreMode, dropout: 0.3), withKey, causal), low: -1f, high: 1f);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void AdditiveAttentionMatchesPredict(bool useScale, bool withKey, bool causal)
    {
        Utils.SetRandomSeed(5);
        OnnxRuntimeCheck.AssertMatchesPredict(AttentionModel(new AdditiveAttention(useScale, dropout: 0.2), withKey, causal), low: -1f, high: 1f);
    }

    [Fact]
    public void WhatTheExportDoesNotWriteOfAttentionIsRefusedByName()
    {
        var x = new Input(shape: [4, 6]);
        var (output, scores) = new Attention(name: "luong").ApplyWithScores(x, x);
        var message = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Model([x], [output, scores]))).Message;
        Assert.Contains("'luong' (Attention)", message);
        Assert.Contains("scores", message);

        var training = new Attention(dropout: 0.5, name: "dropped").ApplyAll([x, x], new Nabla.Configuration.Config { ["training"] = true })[0];
        message = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Model(x, training))).Message;
        Assert.Contains("'dropped' (Attention)", message);
        Assert.Contains("training", message);
    }
}
