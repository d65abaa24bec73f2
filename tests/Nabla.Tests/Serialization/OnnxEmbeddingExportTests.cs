using Nabla.Layers;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>Embedding (as Gather on the token ids cast to int64), TimeDistributed (the steps folded into the batch around
/// the wrapped layer's own operators) and Bidirectional (both directions' recurrent operators, merged) exported as ONNX
/// and run through ONNX Runtime against Predict.</summary>
public class OnnxEmbeddingExportTests
{
    /// <summary>Token ids 0..vocabulary-1 as Nabla carries them, whole numbers in float32.</summary>
    private static Tensor Tokens(int seed, int batch, int steps, int vocabulary)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor(batch, steps);
        for (int i = 0; i < x.Size; i++) x.Data[i] = rng.NextInt(vocabulary);
        return x;
    }

    private static void AssertMatchesPredictOnTokens(Model model, int steps, int vocabulary)
    {
        byte[] onnx = OnnxExport.ToBytes(model);
        foreach (int batch in new[] { 1, 6 })
        {
            var x = Tokens(batch, batch, steps, vocabulary);
            var expected = model.Predict(x, batchSize: batch).Data;
            var actual = OnnxRuntimeCheck.Run(onnx, x);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])),
                    $"batch {batch}, output {i}: Nabla {expected[i]:R}, ONNX Runtime {actual[i]:R}");
        }
    }

    [Fact]
    public void ATextClassifierMatchesPredict()
    {
        // The shape of Keras's text classification tutorial: Embedding, GlobalAveragePooling1D, Dense.
        Utils.SetRandomSeed(1);
        var model = new Sequential(new Embedding(20, 4, inputShape: [7]), new GlobalAveragePooling1D(), new Dense(1, activation: "sigmoid"));
        AssertMatchesPredictOnTokens(model, 7, 20);
        var recurrent = new Sequential(new Embedding(12, 5, inputShape: [6]), new LSTM(3), new Dense(2));
        AssertMatchesPredictOnTokens(recurrent, 6, 12);
    }

    [Fact]
    public void TimeDistributedMatchesPredict()
    {
        Utils.SetRandomSeed(2);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(new TimeDistributed(new Dense(3, activation: "relu"), inputShape: [5, 4]), new Flatten()));
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(
            new TimeDistributed(new Conv2D(2, 3, activation: "tanh"), inputShape: [3, 6, 6, 2]), new TimeDistributed(new Flatten()), new LSTM(2)));
    }

    [Theory]
    [InlineData("concat", true)]
    [InlineData("sum", true)]
    [InlineData("mul", false)]
    [InlineData("ave", true)]
    [InlineData("concat", false)]
    public void BidirectionalMatchesPredict(string mergeMode, bool returnSequences)
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(new Bidirectional(new LSTM(3, returnSequences: returnSequences), mergeMode, inputShape: [5, 4]), new Dense(2));
        OnnxRuntimeCheck.AssertMatchesPredict(model);
        var gru = new Sequential(new Embedding(9, 3, inputShape: [6]), new Bidirectional(new GRU(2, returnSequences: returnSequences), mergeMode),
            new Flatten());
        AssertMatchesPredictOnTokens(gru, 6, 9);
    }

    [Fact]
    public void WhatTheExportCannotCarryIsRefusedByName()
    {
        var masked = new Sequential(new Embedding(10, 3, maskZero: true, inputShape: [4]), new LSTM(2));
        Assert.Contains("mask_zero", Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(masked)).Message);
        var unknownSteps = new Sequential(new TimeDistributed(new Dense(2), inputShape: [Layer.UnknownDimension, 4]));
        Assert.Contains("unknown number of steps", Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(unknownSteps)).Message);
        var sequence = new Input(shape: [3, 2]);
        var twoOutputs = new Model(sequence, [.. new Bidirectional(new LSTM(2), mergeMode: null).ApplyAll(sequence)]);
        Assert.Contains("merge_mode", Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(twoOutputs)).Message);
    }
}
