using Nabla.Autograd;
using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

public class WrapperTests
{
    [Fact]
    public void BidirectionalRunsTheIssueExampleWithKerasNamesWeightsAndCounts()
    {
        var bi = new Sequential(new Bidirectional(new LSTM(32, name: "lstm"), inputShape: [50, 8]), new Dense(1));
        var layer = (Bidirectional)bi.Layers[0];
        var y = bi.Predict(GradientCheck.Random(1, -1, 1, 4, 50, 8), batchSize: 4);
        Assert.Equal([4, 1], y.Shape);
        Assert.Equal([64], layer.OutputShape!);
        Assert.Equal("forward_lstm", layer.ForwardLayer.Name);
        Assert.Equal("backward_lstm", layer.BackwardLayer.Name);
        Assert.True(layer.BackwardLayer.GoBackwards);
        // Forward layer's weights, then the backward layer's; Keras counts 2·4·(8·32 + 32·32 + 32) = 10,496.
        Assert.Equal(["forward_lstm/kernel", "forward_lstm/recurrent_kernel", "forward_lstm/bias",
            "backward_lstm/kernel", "backward_lstm/recurrent_kernel", "backward_lstm/bias"], layer.Weights.Select(w => w.Name));
        Assert.Equal(10496, layer.CountParams());
    }

    [Theory]
    [InlineData("concat")]
    [InlineData("sum")]
    [InlineData("mul")]
    [InlineData("ave")]
    public void BidirectionalMergesForwardAndReorderedBackwardSequences(string mode)
    {
        var layer = new Bidirectional(new GRU(3, returnSequences: true), mode);
        var x = GradientCheck.Random(2, -1, 1, 2, 4, 2);
        layer.Build([4, 2]);
        var y = layer.Call(x, training: false);
        var f = layer.ForwardLayer.Call(x, training: false);
        var b = layer.BackwardLayer.Call(x, training: false);
        for (int s = 0; s < 2; s++)
            for (int t = 0; t < 4; t++)
                for (int u = 0; u < 3; u++)
                {
                    float fv = f[s, t, u], bv = b[s, 3 - t, u];
                    if (mode == "concat")
                    {
                        Assert.Equal(fv, y[s, t, u]);
                        Assert.Equal(bv, y[s, t, 3 + u]);
                    }
                    else Assert.Equal(mode switch { "sum" => fv + bv, "mul" => fv * bv, _ => (fv + bv) * 0.5f }, y[s, t, u], 1e-6);
                }
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, .. layer.Weights]);
    }

    [Fact]
    public void TimeDistributedAppliesOneLayerToEveryStep()
    {
        var layer = new TimeDistributed(new Dense(2, activation: "tanh"));
        var x = GradientCheck.Random(3, -1, 1, 2, 5, 3);
        var y = layer.Call(x, training: false);
        Assert.Equal([2, 5, 2], y.Shape);
        var dense = (Dense)layer.Layer;
        var step = dense.Call(Tensor.FromArray(Enumerable.Range(0, 3).Select(i => x[1, 4, i]).ToArray(), 1, 3), training: false);
        Assert.Equal(step[0, 1], y[1, 4, 1], tolerance: 1e-6); // the batched and single-step GEMMs may round differently in the last bit
        Assert.Equal(8, layer.CountParams());
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, .. layer.Weights]);
    }

    public static TheoryData<Layer> Wrappers() =>
    [
        new Bidirectional(new LSTM(4, returnSequences: true), "sum", inputShape: [6, 2]),
        new Bidirectional(new SimpleRNN(3)),
        new TimeDistributed(new Dense(5, activation: "relu")),
    ];

    [Theory]
    [MemberData(nameof(Wrappers))]
    public void WrapperConfigsRoundTrip(Layer layer)
    {
        var config = layer.GetConfig();
        var rebuilt = Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
        Assert.Equal(layer.GetType(), rebuilt.GetType());
        Assert.Equal(config.ToJsonString(), rebuilt.GetConfig().ToJsonString());
    }

    [Fact]
    public void BidirectionalRefusesAnUnknownMergeMode()
    {
        var error = Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(2), "max"));
        Assert.Contains("merge_mode", error.Message);
    }

    [Fact]
    public void AWrappedLayerRefreshesWhatItDerivesFromItsWeightsWhenTheyAreSet()
    {
        // Normalization computes its scale and shift from its mean and variance; wrapped, it must see them replaced.
        var model = new Sequential(new TimeDistributed(new Normalization(mean: [0f, 0f], variance: [1f, 1f]), inputShape: [3, 2]));
        var x = GradientCheck.Random(1, -1, 1, 2, 3, 2);
        Assert.Equal(x.Data, model.Predict(x).Data);
        // Weights: mean, then variance.
        model.SetWeights([Tensor.FromArray([1f, -1f], [2]), Tensor.FromArray([4f, 4f], [2])]);
        var y = model.Predict(x);
        for (int i = 0; i < x.Size; i++) Assert.Equal((x.Data[i] - (i % 2 == 0 ? 1f : -1f)) / 2f, y.Data[i], 1e-6f);
    }
}
