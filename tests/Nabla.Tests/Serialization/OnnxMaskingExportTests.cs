using Nabla.Layers;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>Masking exported as its value effect (masked timesteps zeroed) when no layer or output reads its mask, run
/// through ONNX Runtime against Predict; every model where the mask would change a later layer's values or reach an
/// output is refused, naming the Masking layer and the reader.</summary>
public class OnnxMaskingExportTests
{
    private const float MaskValue = 0.5f;

    /// <summary>Random inputs [batch, 6, 4] with some timesteps all <see cref="MaskValue"/> (masked) and some with only a
    /// few features at it (kept).</summary>
    private static Tensor Padded(int batch)
    {
        var x = OnnxRuntimeCheck.Inputs(batch, batch, [6, 4]);
        for (int b = 0; b < batch; b++)
        {
            int masked = b % 6, partly = (b + 3) % 6;
            x.Data.AsSpan((b * 6 + masked) * 4, 4).Fill(MaskValue);
            x.Data.AsSpan((b * 6 + 5) * 4, 4).Fill(MaskValue);
            if (partly != 5) x.Data.AsSpan((b * 6 + partly) * 4, 2).Fill(MaskValue);
        }
        return x;
    }

    [Fact]
    public void MaskingWhoseMaskNoLayerReadsMatchesPredict()
    {
        Utils.SetRandomSeed(1);
        // Dense passes the mask on, Flatten stops it: what is left of Masking is the zeroed timesteps.
        var model = new Sequential(new Masking(MaskValue, inputShape: [6, 4]), new Dense(3, activation: "tanh"), new Flatten(), new Dense(2));
        OnnxRuntimeCheck.AssertMatchesPredict(model, Padded);
    }

    [Fact]
    public void MaskingInAFunctionalModelMatchesPredict()
    {
        Utils.SetRandomSeed(2);
        var x = new Input(shape: [6, 4]);
        var masked = new Masking(MaskValue).Apply(x);
        // TimeDistributed passes the mask on, Conv1D stops it.
        var convolved = new Conv1D(3, 2).Apply(new TimeDistributed(new Dense(5)).Apply(masked));
        var model = new Model(x, new Dense(1).Apply(new GlobalMaxPooling1D().Apply(convolved)));
        OnnxRuntimeCheck.AssertMatchesPredict(model, Padded);
    }

    private static void AssertRefused(Model model, string reader)
    {
        var message = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model)).Message;
        Assert.Contains("'padding' (Masking)", message);
        Assert.Contains(reader, message);
    }

    [Fact]
    public void AMaskThatARecurrentLayerReadsIsRefused() =>
        AssertRefused(new Sequential(new Masking(name: "padding", inputShape: [6, 4]), new Dense(3), new LSTM(2, name: "lstm")),
            "'lstm' (LSTM)");

    [Fact]
    public void AMaskThatGlobalAveragePoolingReadsIsRefused() =>
        AssertRefused(new Sequential(new Masking(name: "padding", inputShape: [6, 4]), new GlobalAveragePooling1D(name: "mean"), new Dense(1)),
            "'mean' (GlobalAveragePooling1D)");

    [Fact]
    public void AMaskThatBatchNormalizationWouldRefuseInsideTimeDistributedIsRefused() =>
        AssertRefused(new Sequential(new Masking(name: "padding", inputShape: [6, 4]), new TimeDistributed(new BatchNormalization(), name: "steps"),
            new Flatten()), "'steps' (TimeDistributed)");

    [Fact]
    public void AMaskThatReachesTheOutputIsRefused() =>
        AssertRefused(new Sequential(new Masking(name: "padding", inputShape: [6, 4]), new TimeDistributed(new Dense(2))), "output");

    [Fact]
    public void AMaskOnAttentionInputsIsRefused()
    {
        var x = new Input(shape: [6, 4]);
        var masked = new Masking(name: "padding").Apply(x);
        AssertRefused(new Model(x, new Flatten().Apply(new Attention(name: "luong").Apply(masked, x))), "'luong' (Attention)");
        AssertRefused(new Model(x, new Flatten().Apply(new AdditiveAttention(name: "bahdanau").Apply(x, masked))), "'bahdanau' (AdditiveAttention)");
    }

    [Fact]
    public void AMaskIntoAMergeOrANestedModelIsRefused()
    {
        var x = new Input(shape: [6, 4]);
        var masked = new Masking(name: "padding").Apply(x);
        AssertRefused(new Model(x, new Flatten().Apply(new Add(name: "sum").Apply(masked, x))), "'sum' (Add)");
        var inner = new Sequential(new Dense(2, inputShape: [6, 4]), new Flatten());
        AssertRefused(new Model(x, inner.Apply(masked)), $"'{inner.Name}'");
    }
}
