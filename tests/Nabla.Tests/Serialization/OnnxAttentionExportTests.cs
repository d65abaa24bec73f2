using Nabla.Layers;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>MultiHeadAttention exported as ONNX operators (OnnxAttentionLayers) and run through ONNX Runtime against
/// Predict: self- and cross-attention, with and without biases, the causal mask, another output width, a transformer
/// block; what the export does not write is refused by name.</summary>
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
}
