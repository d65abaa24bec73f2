using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>Keras's masking through whole models: Embedding(mask_zero) and Masking make the mask, recurrent layers
/// skip masked steps, wrappers pass it on, and the loss leaves masked steps out.</summary>
public class MaskingModelTests
{
    // Sample 0 is right-padded, sample 1 has padding before, between and after its two tokens.
    private static Tensor Tokens() => Tensor.FromArray([3, 7, 0, 0, 0, 0, 2, 0, 5, 0], 2, 5);

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("simple_rnn")]
    public void EmbeddingMaskZeroMakesARecurrentLayerReadOnlyTheTokens(string cell)
    {
        RecurrentLayer Cell() => cell switch { "lstm" => new LSTM(3), "gru" => new GRU(3), _ => new SimpleRNN(3) };
        var padded = new Sequential(new Embedding(10, 4, maskZero: true, inputShape: [5]), Cell());
        var tokensOnly = new Sequential(new Embedding(10, 4, inputShape: [2]), Cell());
        tokensOnly.SetWeights(padded.GetWeights());
        var y = padded.Predict(Tokens(), batchSize: 2);
        var expected = tokensOnly.Predict(Tensor.FromArray([3, 7, 2, 5], 2, 2), batchSize: 2);
        for (int i = 0; i < y.Size; i++) Assert.Equal(expected.Data[i], y.Data[i], 1e-6);
        // Without the mask the padding steps change the result.
        var unmasked = new Sequential(new Embedding(10, 4, inputShape: [5]), Cell());
        unmasked.SetWeights(padded.GetWeights());
        var z = unmasked.Predict(Tokens(), batchSize: 2);
        Assert.Contains(Enumerable.Range(0, y.Size), i => Math.Abs(z.Data[i] - y.Data[i]) > 1e-4);
    }

    [Fact]
    public void MaskingZeroesAndMasksTheStepsWhoseFeaturesAllEqualTheMaskValue()
    {
        // keras/src/layers/core/masking.py: a step is masked when every feature equals mask_value (default 0.0).
        Assert.Equal(0.0, new Masking().MaskValue);
        var x = Tensor.FromArray([1, 2, -1, -1, 0, -1, -1, -1], 2, 2, 2);
        var layer = new Masking(maskValue: -1);
        var y = layer.CallWithMask(x, training: false);
        Assert.Equal([1f, 2f, 0f, 0f, 0f, -1f, 0f, 0f], y.Data);
        Assert.Equal([1f, 0f, 1f, 0f], y.KerasMask!.Data);
        Assert.Equal([2, 2], y.KerasMask.Shape);
    }

    [Fact]
    public void MaskZeroMaskingAndZeroOutputForMaskRoundTripThroughKerasConfigs()
    {
        var embedding = (Embedding)Layer.Deserialize(Registry<Layer>.Serialize(new Embedding(10, 4, maskZero: true)));
        Assert.True(embedding.MaskZero);
        Assert.Equal(true, embedding.GetConfig()["mask_zero"]);
        var masking = (Masking)Layer.Deserialize(Registry<Layer>.Serialize(new Masking(-2.5, inputShape: [3, 2], name: "pad")));
        Assert.Equal(-2.5, masking.MaskValue);
        Assert.Equal("pad", masking.Name);
        Assert.Equal([3, 2], masking.DeclaredInputShape!);
        Assert.Equal(-2.5, masking.GetConfig()["mask_value"]);
        var lstm = (LSTM)Layer.Deserialize(Registry<Layer>.Serialize(new LSTM(2) { ZeroOutputForMask = true }));
        Assert.True(lstm.ZeroOutputForMask);
    }

    [Fact]
    public void TheLossAveragesTheUnmaskedStepsOnly()
    {
        var model = SequenceModel();
        var x = Tokens();
        var y = GradientCheck.Random(3, -1, 1, 2, 5, 1);
        var p = model.Predict(x, batchSize: 2);
        double sum = 0, valid = 0;
        for (int i = 0; i < x.Size; i++)
        {
            if (x.Data[i] == 0) continue;
            sum += Math.Pow(p.Data[i] - y.Data[i], 2);
            valid++;
        }
        // keras/src/losses/loss.py apply_mask: sum over unmasked / (valid + epsilon).
        double expected = sum / (valid + 1e-7);
        Assert.Equal(expected, model.Evaluate(x, y, batchSize: 2)["loss"], 1e-5);
    }

    [Fact]
    public void TargetsAtMaskedStepsDoNotChangeTraining()
    {
        var x = Tokens();
        var y = GradientCheck.Random(3, -1, 1, 2, 5, 1);
        var other = y.Clone();
        for (int i = 0; i < x.Size; i++)
            if (x.Data[i] == 0) other.Data[i] = 100f;
        var a = SequenceModel();
        var b = SequenceModel();
        b.SetWeights(a.GetWeights());
        a.TrainOnBatch(x, y);
        b.TrainOnBatch(x, other);
        var wa = a.GetWeights();
        var wb = b.GetWeights();
        for (int w = 0; w < wa.Count; w++) Assert.Equal(wa[w].Data, wb[w].Data);
        Assert.Equal(0, SteadyStateAllocation.OfTrainOnBatch(a, x, y));
    }

    private static Sequential SequenceModel()
    {
        var model = new Sequential(
            new Embedding(10, 4, maskZero: true, inputShape: [5]),
            new LSTM(3, returnSequences: true),
            new TimeDistributed(new Dense(1)));
        model.Compile("adam", "mse");
        return model;
    }

    [Fact]
    public void BidirectionalZeroesMaskedStepsWhenReturningSequencesAsKeras()
    {
        var layer = new Bidirectional(new GRU(2, returnSequences: true));
        Assert.True(layer.ForwardLayer.ZeroOutputForMask);
        Assert.True(layer.BackwardLayer.ZeroOutputForMask);
        Assert.False(new Bidirectional(new GRU(2)).ForwardLayer.ZeroOutputForMask);
        var model = new Sequential(new Masking(inputShape: [4, 2]), layer);
        var x = GradientCheck.Random(4, 0.1, 1, 2, 4, 2);
        x.Data.AsSpan(2 * 2, 2).Clear(); // sample 0, step 2
        x.Data.AsSpan((4 + 0) * 2, 2).Clear(); // sample 1, step 0
        var y = model.Predict(x, batchSize: 2);
        Assert.All(y.Data.AsSpan((0 * 4 + 2) * 4, 4).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(y.Data.AsSpan((1 * 4 + 0) * 4, 4).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(y.Data, v => v != 0f);
    }

    [Fact]
    public void TheMaskFlowsThroughAFunctionalModelToTheLoss()
    {
        var tokens = new Input(shape: [5]);
        var h = new Embedding(10, 4, maskZero: true).Apply(tokens);
        h = new LSTM(3, returnSequences: true).Apply(h);
        var functional = new Model(tokens, new Dense(1).Apply(h));
        functional.Compile("adam", "mse");
        var sequential = SequenceModel();
        sequential.SetWeights(functional.GetWeights());
        var y = GradientCheck.Random(3, -1, 1, 2, 5, 1);
        Assert.Equal(sequential.Evaluate(Tokens(), y, batchSize: 2)["loss"], functional.Evaluate(Tokens(), y, batchSize: 2)["loss"], 1e-6);
    }

    [Fact]
    public void AMaskIsRefusedWhereKerasWouldUseItInWaysNablaDoesNot()
    {
        var normalized = new Sequential(new Embedding(10, 4, maskZero: true, inputShape: [5]), new BatchNormalization(name: "norm"));
        var error = Assert.Throws<ArgumentException>(() => normalized.Predict(Tokens(), batchSize: 2));
        Assert.Contains("'norm'", error.Message);
        Assert.Contains("mask", error.Message);
    }

    [Fact]
    public void GlobalAveragePooling1DAveragesTheUnmaskedStepsOnly()
    {
        // keras/src/layers/pooling/global_average_pooling1d.py: sum(x·mask) / sum(mask) over the steps.
        var embedding = new Embedding(10, 4, maskZero: true, inputShape: [5]);
        var model = new Sequential(embedding, new GlobalAveragePooling1D());
        var pooled = model.Predict(Tokens(), batchSize: 2);
        var rows = embedding.Call(Tokens(), false);
        for (int s = 0; s < 2; s++)
            for (int c = 0; c < 4; c++)
            {
                double sum = 0;
                int count = 0;
                for (int t = 0; t < 5; t++)
                {
                    if (Tokens().Data[s * 5 + t] == 0) continue;
                    sum += rows.Data[(s * 5 + t) * 4 + c];
                    count++;
                }
                Assert.Equal(sum / count, pooled.Data[s * 4 + c], 1e-5);
            }
        var masked = new Tensor(2, 3, 4) { KerasMask = Tensor.FromArray([1, 0, 1, 1, 1, 0], 2, 3) };
        GradientCheck.Check(t => new GlobalAveragePooling1D().Call(WithMask(t[0], masked.KerasMask!), true),
            [GradientCheck.Random(8, -1, 1, 2, 3, 4)]);
    }

    private static Tensor WithMask(Tensor x, Tensor mask)
    {
        x.KerasMask = mask;
        return x;
    }

    [Fact]
    public void TheMaskStopsAtALayerThatDoesNotSupportMasking()
    {
        // Keras: Flatten has no supports_masking, so the Dense after it and the loss see no mask.
        var layer = new Flatten();
        var x = new Tensor(2, 5, 4) { KerasMask = new Tensor(2, 5) };
        Assert.Null(layer.CallWithMask(x, training: false).KerasMask);
        var dense = new Dense(2);
        Assert.Same(x.KerasMask, dense.CallWithMask(x, training: false).KerasMask);
    }
}
