using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's generic <c>RNN(cell)</c> layer with one of Keras's own cells (<c>RNN(LSTMCell(64))</c>): the same math and
/// weights as the matching layer (LSTM, GRU, SimpleRNN, which Keras itself builds as an RNN over that cell), so a config
/// loads as that layer, with the cell's settings and the RNN's (return_sequences, return_state, go_backwards, …) and the
/// RNN's name. It is written back as Keras wrote it (<see cref="RecurrentLayer.IsRnnOverCell"/>). A list of cells
/// (StackedRNNCells) loads as <see cref="StackedRecurrent"/>; a user's cell registered as an <see cref="RnnCell"/> loads as
/// <see cref="RNN"/>.
/// </summary>
internal static class RnnCellConfig
{
    private static readonly Dictionary<string, string> LayerOfCell = new()
    {
        ["LSTMCell"] = "LSTM", ["GRUCell"] = "GRU", ["SimpleRNNCell"] = "SimpleRNN",
    };

    public static Layer FromConfig(Config config)
    {
        // Read here, on the RNN's own config: the layers below read copies of it.
        RnnLayer.ReadLoopOptions(config, "RNN");
        config.TryGetValue("cell", out var cell);
        if (cell is List<object?> || cell is Config stacked && stacked.GetString("class_name", null) == "StackedRNNCells")
            return StackedRecurrent.FromConfig(config);
        if (cell is Config single && !LayerOfCell.ContainsKey(single.GetString("class_name", null) ?? ""))
            return UserCell(config, single);
        var settings = new Config(config);
        settings.Remove("cell");
        var layer = CellLayer(cell, settings, "RNN config 'cell'");
        layer.IsRnnOverCell = true;
        return layer;
    }

    /// <summary>An RNN over a cell that is not Keras's: it must deserialize (a registered class) to an <see cref="RnnCell"/>.</summary>
    private static RNN UserCell(Config config, Config cellConfig)
    {
        string cellClass = cellConfig.GetString("class_name", null) ?? "?";
        if (!Layer.Registry.Contains(cellClass))
            throw new ArgumentException(
                $"RNN config 'cell' is a {cellClass}, which is neither one of Keras's cells ({string.Join(", ", LayerOfCell.Keys)}) " +
                $"nor a registered class: register its C# RnnCell with Layer.Register(\"{cellClass}\", ...).");
        return Layer.Deserialize(cellConfig) is RnnCell cell
            ? RNN.FromConfig(config, cell)
            : throw new ArgumentException($"RNN config 'cell' is a {cellClass}, which is registered but is not an RnnCell.");
    }

    /// <summary>The layer that runs the cell <paramref name="spec"/> with <paramref name="settings"/> (the RNN's keys,
    /// which win over the cell's).</summary>
    internal static RecurrentLayer CellLayer(object? spec, Config settings, string where)
    {
        if (spec is not Config cell)
            throw new ArgumentException(
                $"{where} must be a cell's config ({string.Join(", ", LayerOfCell.Keys)}) or a list of them; found {Config.Describe(spec ?? "nothing")}.");
        string cellClass = cell.GetString("class_name", null) ?? "?";
        if (!LayerOfCell.TryGetValue(cellClass, out var layerClass))
            throw new ArgumentException(
                $"{where} is a {cellClass}; supported: {string.Join(", ", LayerOfCell.Keys)} (a custom cell is Python code).");
        var merged = new Config(cell.GetConfig("config") ?? []);
        foreach (var (key, value) in settings) merged[key] = value;
        return (RecurrentLayer)Layer.Deserialize(new Config { ["class_name"] = layerClass, ["config"] = merged });
    }
}
