using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Hdf5;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Keras's RNN over a list of cells (keras/src/layers/rnn/stacked_rnn_cells.py: "the first cell reads the input, each next
/// cell the output of the one before", one loop over time): the same outputs and gradients as the matching layers stacked
/// with the same weights, Keras 3's config form and weights paths, and the refusals.
/// </summary>
public class StackedRecurrentTests
{
    private const string Stacked = """
        {"class_name": "RNN", "config": {"name": "rnn", "return_sequences": RS, "go_backwards": GB, "batch_shape": [null, 5, 3],
         "cell": {"module": "keras.layers", "class_name": "StackedRNNCells", "config": {"name": "stacked_rnn_cells", "cells": [
           {"module": "keras.layers", "class_name": "LSTMCell", "config": {"name": "lstm_cell", "units": 4}},
           {"module": "keras.layers", "class_name": "GRUCell", "config": {"name": "gru_cell", "units": 2, "reset_after": true}}]}}}}
        """;

    private static StackedRecurrent Load(bool returnSequences, bool goBackwards) => (StackedRecurrent)Layer.Deserialize(Config.Parse(
        Stacked.Replace("RS", returnSequences ? "true" : "false").Replace("GB", goBackwards ? "true" : "false")));

    /// <summary>LSTM(4, return_sequences) then GRU(2) as separate layers, with the stack's weights.</summary>
    private static Sequential Separate(StackedRecurrent stacked, bool returnSequences, bool goBackwards, bool masked)
    {
        Layer[] layers =
        [
            .. masked ? new Layer[] { new Masking(0, inputShape: [5, 3]) } : [],
            new LSTM(4, returnSequences: true, goBackwards: goBackwards, inputShape: masked ? null : [5, 3]),
            new GRU(2, returnSequences: returnSequences),
        ];
        var model = new Sequential(layers);
        var weights = model.Weights;
        for (int i = 0; i < weights.Count; i++) stacked.Weights[i].Data.CopyTo(weights[i].Data, 0);
        return model;
    }

    private static Tensor Sequences(bool masked)
    {
        var x = GradientCheck.Random(3, -1, 1, 2, 5, 3);
        // Sample 1's last two steps are padding.
        if (masked) Array.Clear(x.Data, 1 * 15 + 3 * 3, 6);
        return x;
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, false, true)]
    public void TheStackComputesWhatTheLayersStackedComputeWithTheSameWeights(bool returnSequences, bool goBackwards, bool masked)
    {
        Utils.SetRandomSeed(4);
        var stacked = Load(returnSequences, goBackwards);
        var model = masked
            ? new Sequential(new Masking(0, inputShape: [5, 3]), stacked)
            : new Sequential(stacked);
        var separate = Separate(stacked, returnSequences, goBackwards, masked);
        var x = Sequences(masked);
        var expected = separate.Predict(x);
        var actual = model.Predict(x);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        Utils.SetRandomSeed(5);
        var stacked = Load(returnSequences: true, goBackwards: true);
        stacked.Build([5, 3]);
        GradientCheck.Check(t => Tensor.Mean(Tensor.Multiply(stacked.Call(t[0], training: true), stacked.Call(t[0], training: true))),
            [GradientCheck.Random(6, -1, 1, 2, 5, 3), .. stacked.TrainableWeights]);
    }

    [Fact]
    public void TheConfigIsKerasStackedCellsFormAndTheWeightsLiveAtKerasPaths()
    {
        Utils.SetRandomSeed(6);
        // keras.layers.RNN([LSTMCell(4), LSTMCell(3)]): Keras 3 names a list's items by class, numbered
        // (keras/src/saving/saving_lib.py, _save_container_state): "cell/cells/lstm_cell", "cell/cells/lstm_cell_1".
        var stacked = new StackedRecurrent([new LSTM(4, name: "a"), new LSTM(3, name: "b")], inputShape: [5, 3], name: "rnn");
        var model = new Sequential(stacked, new Dense(1));
        var written = Registry<Layer>.Serialize(stacked);
        var cell = ((Config)written["config"]!).GetConfig("cell")!;
        Assert.Equal("StackedRNNCells", cell["class_name"]);
        var cells = (List<object?>)cell.GetConfig("config")!["cells"]!;
        Assert.Equal(["LSTMCell", "LSTMCell"], cells.Select(c => (string)((Config)c!)["class_name"]!));
        Assert.False(((Config)cells[0]!).GetConfig("config")!.ContainsKey("return_sequences"));

        var rebuilt = new Sequential((StackedRecurrent)Layer.Deserialize(Config.Parse(written.ToJsonString())), new Dense(1));
        rebuilt.SetWeights(model.GetWeights());
        var x = Sequences(masked: false);
        Assert.Equal(model.Predict(x).Data, rebuilt.Predict(x).Data);

        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("model.weights.h5");
        model.SaveWeights(path);
        using (var file = Hdf5Reader.Open(path))
        {
            Assert.Empty(file.Children("layers/rnn/vars").Datasets);
            Assert.Equal("[3, 16]", Tensor.ShapeString(file.Shape("layers/rnn/cell/cells/lstm_cell/vars/0")));
            Assert.Equal("[4, 12]", Tensor.ShapeString(file.Shape("layers/rnn/cell/cells/lstm_cell_1/vars/0")));
        }
        rebuilt.LoadWeights(path);
        Assert.Equal(model.Predict(x).Data, rebuilt.Predict(x).Data);
    }

    [Fact]
    public void NestedStatesAndUnknownCellsAreRefusedByName()
    {
        var state = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RNN", "config": {"name": "r", "return_state": true, "cell": [{"class_name": "LSTMCell", "config": {"units": 3}}]}}""")));
        Assert.Contains("RNN 'r' over a list of cells has 'return_state' true", state.Message);
        var custom = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RNN", "config": {"name": "r", "cell": [{"class_name": "LSTMCell", "config": {"units": 3}}, {"class_name": "PeepholeCell", "config": {}}]}}""")));
        Assert.Contains("RNN 'r' 'cells[1]' is a PeepholeCell", custom.Message);
        var empty = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RNN", "config": {"name": "r", "cell": {"class_name": "StackedRNNCells", "config": {"cells": []}}}}""")));
        Assert.Contains("'cells' must be a non-empty list", empty.Message);
    }
}
