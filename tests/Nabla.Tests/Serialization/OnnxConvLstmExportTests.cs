using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>ConvLSTM1D/2D/3D exported as their recurrence unrolled into ONNX Conv, Split and elementwise operators, checked
/// against Predict through ONNX Runtime: gate order, padding and strides of the input convolution, the recurrent "same"
/// convolution, go_backwards, last output or every step's; and what the export refuses, by name.</summary>
public class OnnxConvLstmExportTests
{
    /// <summary>A bias with distinct values per gate, so that a swapped gate or a misplaced bias changes the output.</summary>
    private static void SpreadBias(ConvLSTM layer)
    {
        if (layer.Bias is { } bias)
            for (int i = 0; i < bias.Size; i++) bias.Data[i] = 0.1f * ((i % 7) - 3);
    }

    private static void AssertMatches(ConvLSTM layer, params Layer[] after)
    {
        var model = new Sequential([layer, .. after]);
        SpreadBias(layer);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: -1f, high: 1f);
    }

    [Theory]
    [InlineData(false, false, "valid", 1)]
    [InlineData(true, false, "valid", 1)]
    [InlineData(true, true, "same", 1)]
    [InlineData(false, true, "same", 1)]
    [InlineData(true, false, "same", 2)]
    [InlineData(false, true, "valid", 2)]
    public void ConvLstm2DMatchesOnnxRuntime(bool returnSequences, bool goBackwards, string padding, int strides)
    {
        Utils.SetRandomSeed(7);
        AssertMatches(new ConvLSTM2D(3, (3, 2), strides: strides, padding: padding, returnSequences: returnSequences,
            goBackwards: goBackwards, inputShape: [4, 7, 6, 2]));
    }

    [Fact]
    public void ConvLstm2DWithDilationOneStepAndLayersAfterMatchesOnnxRuntime()
    {
        Utils.SetRandomSeed(8);
        AssertMatches(new ConvLSTM2D(2, 3, dilationRate: 2, padding: "same", returnSequences: true, inputShape: [3, 6, 6, 2]),
            new Flatten(), new Dense(2));
        Utils.SetRandomSeed(9);
        AssertMatches(new ConvLSTM2D(2, 3, returnSequences: true, inputShape: [1, 5, 5, 2]));
    }

    [Fact]
    public void ConvLstm1DWithOtherActivationsAndNoBiasMatchesOnnxRuntime()
    {
        Utils.SetRandomSeed(10);
        AssertMatches(new ConvLSTM1D(4, 3, padding: "same", activation: "relu", recurrentActivation: "hard_sigmoid",
            returnSequences: true, goBackwards: true, inputShape: [5, 8, 2]));
        Utils.SetRandomSeed(11);
        AssertMatches(new ConvLSTM1D(3, 2, strides: 2, useBias: false, inputShape: [4, 9, 3]));
    }

    [Theory]
    [InlineData(false, "valid")]
    [InlineData(true, "same")]
    public void ConvLstm3DMatchesOnnxRuntime(bool returnSequences, string padding)
    {
        Utils.SetRandomSeed(12);
        AssertMatches(new ConvLSTM3D(2, (2, 3, 2), padding: padding, returnSequences: returnSequences, goBackwards: !returnSequences,
            inputShape: [3, 4, 5, 4, 2]));
    }

    [Fact]
    public void WhatTheExportDoesNotWriteOfConvLstmIsRefusedByName()
    {
        string Refusal(Model model) => Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model)).Message;

        var message = Refusal(new Sequential(new ConvLSTM2D(2, 3, inputShape: [Layer.UnknownDimension, 5, 5, 1], name: "unknown")));
        Assert.Contains("'unknown' (ConvLSTM2D)", message);
        Assert.Contains("unknown number of steps", message);

        message = Refusal(new Sequential(new ConvLSTM2D(2, 3, activation: "softmax", inputShape: [3, 5, 5, 1], name: "soft")));
        Assert.Contains("'soft' (ConvLSTM2D)", message);
        Assert.Contains("softmax", message);

        var x = new Input(shape: [3, 5, 5, 1]);
        var withStates = new ConvLSTM2D(2, 3, padding: "same", returnState: true, name: "states").ApplyAll(x);
        message = Refusal(new Model([x], [.. withStates]));
        Assert.Contains("'states' (ConvLSTM2D)", message);
        Assert.Contains("final states", message);

        var h = new Input(shape: [5, 5, 2]);
        var c = new Input(shape: [5, 5, 2]);
        var fromStates = new ConvLSTM2D(2, 3, padding: "same", name: "initial").ApplyAll([x, h, c])[0];
        message = Refusal(new Model([x, h, c], fromStates));
        Assert.Contains("'initial' (ConvLSTM2D)", message);
        Assert.Contains("initial_state", message);

        var dropped = new ConvLSTM2D(2, 3, dropout: 0.5, name: "dropped").ApplyAll([x], new Config { ["training"] = true })[0];
        message = Refusal(new Model(x, dropped));
        Assert.Contains("'dropped' (ConvLSTM2D)", message);
        Assert.Contains("training", message);
    }

    [Fact]
    public void AMaskReachingAConvLstmIsRefused()
    {
        var model = new Sequential(new Masking(inputShape: [3, 5, 5, 1]), new ConvLSTM2D(2, 3, name: "masked"));
        var message = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model)).Message;
        Assert.Contains("'masked'", message);
    }
}
