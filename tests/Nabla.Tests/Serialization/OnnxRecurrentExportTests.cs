using Nabla.Layers;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>SimpleRNN, LSTM and GRU exported as ONNX's RNN, LSTM and GRU operators, checked against ONNX Runtime: gate
/// order (LSTM i, f, c, o to ONNX's i, o, f, c), GRU reset_after as linear_before_reset, go_backwards, last state or
/// every state.</summary>
public class OnnxRecurrentExportTests
{
    public static TheoryData<string, bool, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool, bool>();
        foreach (var cell in new[] { "simple_rnn", "lstm", "gru", "gru_reset_before" })
            foreach (bool sequences in new[] { false, true })
                foreach (bool backwards in new[] { false, true })
                    data.Add(cell, sequences, backwards, true);
        data.Add("lstm", true, false, false);
        data.Add("gru", false, false, false);
        data.Add("gru_reset_before", false, true, false);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void RecurrentLayersMatchOnnxRuntime(string cell, bool returnSequences, bool goBackwards, bool useBias)
    {
        Utils.SetRandomSeed(3);
        RecurrentLayer layer = cell switch
        {
            "lstm" => new LSTM(5, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards, inputShape: [6, 3]),
            "gru" => new GRU(5, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards, inputShape: [6, 3]),
            "gru_reset_before" => new GRU(5, useBias: useBias, resetAfter: false, returnSequences: returnSequences, goBackwards: goBackwards, inputShape: [6, 3]),
            _ => new SimpleRNN(5, useBias: useBias, returnSequences: returnSequences, goBackwards: goBackwards, inputShape: [6, 3]),
        };
        var model = new Sequential(layer);
        // A non-zero bias, so that the bias layout (and GRU's two rows) is checked too.
        if (layer.Bias is { } bias)
            for (int i = 0; i < bias.Size; i++) bias.Data[i] = 0.1f * ((i % 7) - 3);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: -1f, high: 1f);
    }

    [Fact]
    public void StackedRecurrentLayersWithOtherActivationsMatchOnnxRuntime()
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(
            new SimpleRNN(4, activation: "relu", returnSequences: true, inputShape: [5, 2]),
            new LSTM(3, activation: "softsign", recurrentActivation: "sigmoid", returnSequences: true),
            new GRU(3),
            new Dense(1));
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: -1f, high: 1f);
    }

    [Fact]
    public void AnRnnOverAListOfCellsMatchesOnnxRuntime()
    {
        Utils.SetRandomSeed(5);
        var stacked = new StackedRecurrent([new LSTM(4, name: "first"), new GRU(3, name: "second")], goBackwards: true,
            inputShape: [5, 2], name: "stack");
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(stacked, new Dense(1)), low: -1f, high: 1f);
    }

    [Fact]
    public void AnActivationOnnxRecurrentOperatorsCannotExpressIsRefusedByName()
    {
        var model = new Sequential(new LSTM(3, recurrentActivation: "hard_sigmoid", inputShape: [4, 2], name: "gates"));
        var error = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model));
        Assert.Contains("'gates'", error.Message);
        Assert.Contains("hard_sigmoid", error.Message);
    }
}
