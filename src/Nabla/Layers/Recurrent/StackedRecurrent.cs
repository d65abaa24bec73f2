using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RNN</c> over a list of cells (<c>RNN([LSTMCell(32), LSTMCell(16)])</c>, StackedRNNCells): at each step the
/// first cell reads the input and each next cell the output of the one before, and the layer returns the last cell's
/// output. Computed as the matching layers stacked, each handing its whole output sequence to the next: the same math,
/// since a cell at step t reads only the cell below at step t and its own state at t - 1, and the same weights, the cells'
/// in order. With go_backwards the first cell reads the sequence from its end and the others read its outputs in the order
/// it makes them, as in Keras's single loop; a timestep mask reaches every cell. Keras returns the states nested per cell,
/// so return_state, initial_state and stateful are refused by name.
/// </summary>
public sealed class StackedRecurrent : Layer
{
    /// <param name="cells">The cells' layers, first to last (their return_sequences and go_backwards are set here).</param>
    public StackedRecurrent(IReadOnlyList<RecurrentLayer> cells, bool returnSequences = false, bool goBackwards = false,
        bool zeroOutputForMask = false, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0) throw new ArgumentException($"RNN '{Name}': a list of cells needs at least one cell.", nameof(cells));
        ReturnSequences = returnSequences;
        GoBackwards = goBackwards;
        var names = new HashSet<string>(StringComparer.Ordinal);
        Cells = [.. cells.Select((cell, k) => Place(cell, k, cells.Count, names))];
        Cells[^1].ZeroOutputForMask = zeroOutputForMask;
    }

    public override string ClassName => "RNN";

    /// <summary>The cells' layers, first to last.</summary>
    public IReadOnlyList<RecurrentLayer> Cells { get; }

    public bool ReturnSequences { get; }

    public bool GoBackwards { get; }

    public bool ZeroOutputForMask => Cells[^1].ZeroOutputForMask;

    /// <summary>A copy of <paramref name="cell"/> for position <paramref name="k"/> of <paramref name="count"/>: every cell
    /// but the last returns its sequence, and only the first reads backwards. Names are kept, made unique.</summary>
    private RecurrentLayer Place(RecurrentLayer cell, int k, int count, HashSet<string> names)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.ReturnState || cell.Stateful)
            throw new ArgumentException(
                $"RNN '{Name}': cell {k} ('{cell.Name}') has return_state or stateful set; over a list of cells Keras nests the " +
                "states per cell, which Nabla does not support. Stack the layers instead.");
        var spec = Registry<Layer>.Serialize(cell);
        var config = (Config)spec["config"]!;
        string name = cell.Name;
        for (int n = 1; !names.Add(name); n++) name = $"{cell.Name}_{n}";
        config["name"] = name;
        config.Remove("batch_shape");
        config["return_sequences"] = k < count - 1 || ReturnSequences;
        config["go_backwards"] = k == 0 && GoBackwards;
        var placed = (RecurrentLayer)Layer.Deserialize(spec);
        placed.IsRnnOverCell = false; // a cell given as RNN(cell) is one of the stack's layers here
        return placed;
    }

    /// <summary>The sequence's length may be unknown, as for the cells' layers.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis == 0 && rank == 2;

    /// <summary>Sequences of another length run too.</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        built.Length == 2 && inputShape.Length == 2 && inputShape[1] == built[1];

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        var shape = inputShape;
        foreach (var cell in Cells) shape = cell.ComputeOutputShape(shape);
        return shape;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        var shape = inputShape;
        foreach (var cell in Cells)
        {
            cell.Build(shape);
            AddSublayerWeights(cell);
            shape = cell.ComputeOutputShape(shape);
        }
    }

    /// <summary>Keras 3 keeps each cell's weights at "cell/cells/&lt;cell class&gt;[_n]" (StackedRNNCells' list
    /// "cells", its items named by class and numbered, as saving_lib names a list's items).</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups
    {
        get
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            return [.. Cells.Select(cell =>
            {
                string kind = LayerNames.SnakeCase(cell.CellClassName);
                int index = seen[kind] = seen.TryGetValue(kind, out int n) ? n + 1 : 0;
                return ($"cell/cells/{(index == 0 ? kind : $"{kind}_{index}")}", cell.Weights.Count);
            })];
        }
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        // Keras masks each step of its one loop, which reads the sequence backwards; the stacked layers would each mask
        // their own steps in input order.
        if (GoBackwards && inputs.KerasMask is not null)
            throw new ArgumentException(
                $"RNN '{Name}' over a list of cells with go_backwards does not take a timestep mask in Nabla; stack the layers instead.");
        var h = inputs;
        foreach (var cell in Cells) h = cell.CallWithMask(h, training);
        return h;
    }

    /// <summary>The last cell's activity (its state gradients and gates), as the layer's.</summary>
    public override LayerActivity Observe(Tensor output) => Cells[^1].Observe(output) with { Layer = this };

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        RnnLayer.WriteLoopOptions(config, ReturnSequences, returnState: false, GoBackwards, stateful: false, ZeroOutputForMask);
        config["cell"] = new Config
        {
            ["module"] = "keras.layers", ["class_name"] = "StackedRNNCells",
            ["config"] = new Config
            {
                ["name"] = "stacked_rnn_cells", ["trainable"] = Trainable, ["dtype"] = "float32",
                ["cells"] = Cells.Select(cell => (object?)cell.SplitRnnConfig().Cell).ToList(),
            },
            ["registered_name"] = null,
        };
        return config;
    }

    /// <summary>Keras 3's <c>{"cell": {"class_name": "StackedRNNCells", "config": {"cells": [...]}}}</c> or a bare list
    /// of cells.</summary>
    public static StackedRecurrent FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        string what = $"RNN '{name ?? "?"}'";
        foreach (var key in new[] { "return_state", "stateful" })
            if (config.GetTruthy(key, false))
                throw new ArgumentException(
                    $"{what} over a list of cells has '{key}' true; Keras nests its states per cell, which Nabla does not support.");
        config.TryGetValue("cell", out var cell);
        object? cells = cell is Config stacked
            ? stacked.GetConfig("config") is { } inner && inner.TryGetValue("cells", out var listed) ? listed : null
            : cell;
        if (cells is not List<object?> { Count: > 0 } list)
            throw new ArgumentException(
                $"{what}: StackedRNNCells 'cells' must be a non-empty list of cells, found {(cells is null ? "nothing" : Config.Describe(cells))}.");
        var layers = list.Select((spec, k) => RnnCellConfig.CellLayer(spec, new Config(), $"{what} 'cells[{k}]'")).ToList();
        return new StackedRecurrent(layers, config.GetBool("return_sequences", false), config.GetBool("go_backwards", false),
            config.GetBool("zero_output_for_mask", false), inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
