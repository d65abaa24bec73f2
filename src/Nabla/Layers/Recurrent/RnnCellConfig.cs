using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's generic <c>RNN(cell)</c> layer with one of Keras's own cells (<c>RNN(LSTMCell(64))</c>): the same math and
/// weights as the matching layer (LSTM, GRU, SimpleRNN, which Keras itself builds as an RNN over that cell), so a config
/// loads as that layer, with the cell's settings and the RNN's (return_sequences, return_state, go_backwards, …) and the
/// RNN's name. It is written back as Keras wrote it (<see cref="RecurrentLayer.IsRnnOverCell"/>). A list of cells
/// (StackedRNNCells) or a user's own cell is refused by name.
/// </summary>
internal static class RnnCellConfig
{
    private static readonly Dictionary<string, string> LayerOfCell = new()
    {
        ["LSTMCell"] = "LSTM", ["GRUCell"] = "GRU", ["SimpleRNNCell"] = "SimpleRNN",
    };

    public static Layer FromConfig(Config config)
    {
        if (!config.TryGet("cell", out var cell) || cell is not Config spec)
            throw new ArgumentException(
                $"RNN config 'cell' must be one cell's config ({string.Join(", ", LayerOfCell.Keys)}); found {Config.Describe(config.GetValueOr("cell", "nothing"))} " +
                "(a list of cells, StackedRNNCells, is not supported: stack the layers instead).");
        string cellClass = spec.GetString("class_name", null) ?? "?";
        if (!LayerOfCell.TryGetValue(cellClass, out var layerClass))
            throw new ArgumentException(
                $"RNN config 'cell' is a {cellClass}; supported: {string.Join(", ", LayerOfCell.Keys)} (a custom cell is Python code).");
        var merged = new Config(spec.GetConfig("config") ?? []);
        foreach (var (key, value) in config)
            if (key != "cell") merged[key] = value;
        var layer = (RecurrentLayer)Layer.Deserialize(new Config { ["class_name"] = layerClass, ["config"] = merged });
        layer.IsRnnOverCell = true;
        return layer;
    }
}
