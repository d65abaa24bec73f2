using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Hdf5;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// Where Keras 3's weights files keep the recurrent layers' weights. Its saving (keras/src/saving/saving_lib.py) writes a
/// layer's own variables at "&lt;path&gt;/vars" and walks into its sublayer attributes: an LSTM, GRU or SimpleRNN holds none
/// and its cell holds three (keras/src/layers/rnn/rnn.py keeps it as <c>self.cell</c>): "layers/lstm/cell/vars/0..2";
/// Bidirectional keeps <c>forward_layer</c> and <c>backward_layer</c> (bidirectional.py), TimeDistributed its
/// <c>layer</c> (wrapper.py). Files that Python users read with h5py use these paths ("layers/lstm/cell/vars/0").
/// </summary>
public class RecurrentWeightPathsTests
{
    [Fact]
    public void RecurrentLayersWeightsLiveInTheirCellsAndWrappersInTheirWrappedLayers()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(
            new LSTM(4, returnSequences: true, inputShape: [5, 2]),
            new GRU(3, returnSequences: true),
            new Bidirectional(new SimpleRNN(2, returnSequences: true)),
            new TimeDistributed(new Dense(1)));
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("model.weights.h5");
        model.SaveWeights(path);
        using (var file = Hdf5Reader.Open(path))
        {
            void AssertVars(string group, params string[] shapes)
            {
                Assert.Equal(Enumerable.Range(0, shapes.Length).Select(i => i.ToString()), file.Children($"layers/{group}/vars").Datasets.Order());
                for (int i = 0; i < shapes.Length; i++) Assert.Equal(shapes[i], Tensor.ShapeString(file.Shape($"layers/{group}/vars/{i}")));
            }
            AssertVars("lstm");
            AssertVars("lstm/cell", "[2, 16]", "[4, 16]", "[16]");
            AssertVars("gru");
            // Keras's GRU with reset_after (its default) keeps two bias rows, input and recurrent.
            AssertVars("gru/cell", "[4, 9]", "[3, 9]", "[2, 9]");
            AssertVars("bidirectional");
            AssertVars("bidirectional/forward_layer");
            AssertVars("bidirectional/forward_layer/cell", "[3, 2]", "[2, 2]", "[2]");
            AssertVars("bidirectional/backward_layer");
            AssertVars("bidirectional/backward_layer/cell", "[3, 2]", "[2, 2]", "[2]");
            AssertVars("time_distributed");
            AssertVars("time_distributed/layer", "[4, 1]", "[1]");
        }
        var fresh = new Sequential(
            new LSTM(4, returnSequences: true, inputShape: [5, 2]),
            new GRU(3, returnSequences: true),
            new Bidirectional(new SimpleRNN(2, returnSequences: true)),
            new TimeDistributed(new Dense(1)));
        fresh.LoadWeights(path);
        var x = GradientCheck.Random(4, -1, 1, 3, 5, 2);
        Assert.Equal(model.Predict(x).Data, fresh.Predict(x).Data);
    }

    [Fact]
    public void AnRnnOverACellIsWrittenBackAsKerasWroteItAndKeepsItsWeightsAtTheRnnsPath()
    {
        // keras.layers.RNN(keras.layers.GRUCell(3), return_sequences=True): Keras saves it as class "RNN" with the cell's
        // config under "cell" (keras/src/layers/rnn/rnn.py, get_config), its weights at "layers/rnn/cell/vars".
        var spec = Config.Parse("""
            {"class_name": "RNN", "config": {"name": "rnn", "return_sequences": true, "batch_shape": [null, 5, 2],
             "cell": {"module": "keras.layers", "class_name": "GRUCell", "config": {"name": "gru_cell", "units": 3, "reset_after": true}}}}
            """);
        var layer = Assert.IsType<GRU>(Layer.Deserialize(spec));
        Assert.Equal("RNN", layer.ClassName);
        var written = Registry<Layer>.Serialize(layer);
        var config = (Config)written["config"]!;
        Assert.Equal(("RNN", "rnn", true), ((string)written["class_name"]!, (string)config["name"]!, (bool)config["return_sequences"]!));
        Assert.False(config.ContainsKey("units"));
        var cell = config.GetConfig("cell")!;
        Assert.Equal("GRUCell", cell["class_name"]);
        Assert.Equal((3L, true), ((long)cell.GetConfig("config")!["units"]!, (bool)cell.GetConfig("config")!["reset_after"]!));
        var again = Assert.IsType<GRU>(Layer.Deserialize(written));
        Assert.Equal(("RNN", 3, true), (again.ClassName, again.Units, again.ReturnSequences));

        Utils.SetRandomSeed(5);
        var model = new Sequential(Layer.Deserialize(spec), new Dense(1));
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("model.weights.h5");
        model.SaveWeights(path);
        using var file = Hdf5Reader.Open(path);
        Assert.Empty(file.Children("layers/rnn/vars").Datasets);
        Assert.Equal(["0", "1", "2"], file.Children("layers/rnn/cell/vars").Datasets.Order());
    }
}
