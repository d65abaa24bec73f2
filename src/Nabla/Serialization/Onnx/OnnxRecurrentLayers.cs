using Google.Protobuf;
using Nabla.Layers;
using Nabla.Serialization.Onnx.Proto;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU operators (one forward direction, time-major input):
/// the [batch, steps, features] input is transposed to [steps, batch, features] (and reversed in time for
/// go_backwards, so that outputs come in processing order as in Keras), the weights are stored in ONNX's
/// [1, gates·units, in] layout and gate order (LSTM i, o, f, c from Keras's i, f, c, o; GRU z, r, h as Keras, with
/// linear_before_reset = Keras's reset_after), and the output is every step's state or the last one.
/// </summary>
internal static class OnnxRecurrentLayers
{
    private static readonly Dictionary<string, string> Activations = new()
    {
        ["tanh"] = "Tanh", ["sigmoid"] = "Sigmoid", ["relu"] = "Relu", ["softsign"] = "Softsign", ["softplus"] = "Softplus",
    };

    public static bool Handles(Layer layer) => layer is RecurrentLayer or StackedRecurrent or Bidirectional;

    /// <summary>Both directions' layers, merged into one output without the final states.</summary>
    public static void Check(Bidirectional bidirectional)
    {
        string what = $"ONNX export: layer '{bidirectional.Name}' (Bidirectional)";
        if (bidirectional.MergeMode is null)
            throw new NotSupportedException($"{what} has merge_mode None (two outputs); export a merged one.");
        if (bidirectional.ReturnState)
            throw new NotSupportedException($"{what} returns its final states; only its output is exported.");
        Check(bidirectional.ForwardLayer);
        Check(bidirectional.BackwardLayer);
    }

    /// <summary>The forward and backward layers' operators on the same input (the backward one reversed in time by its
    /// go_backwards), the backward sequence put back in time order, then Keras's merge: Concat, Add, Mul or their mean.</summary>
    public static string Emit(OnnxGraphBuilder g, Bidirectional bidirectional, string x)
    {
        string name = bidirectional.Name;
        string forward = Emit(g, bidirectional.ForwardLayer, x, [])[0], backward = Emit(g, bidirectional.BackwardLayer, x, [])[0];
        if (bidirectional.ForwardLayer.ReturnSequences) backward = Reversed(g, name, backward, axis: 1);
        return bidirectional.MergeMode switch
        {
            "concat" => g.Node("Concat", name, [forward, backward], Int("axis", -1)),
            "sum" => g.Node("Add", name, [forward, backward]),
            "mul" => g.Node("Mul", name, [forward, backward]),
            _ => g.Node("Mul", name, [g.Node("Add", name, [forward, backward]), g.Scalar($"{name}/half", 0.5f)]),
        };
    }

    /// <summary>An RNN over a list of cells is its cells' layers one after the other.</summary>
    public static void Check(StackedRecurrent stacked)
    {
        foreach (var cell in stacked.Cells) Check(cell);
    }

    /// <summary>Appends each cell's layer on the previous one's output sequence and returns the last one's output.</summary>
    public static string Emit(OnnxGraphBuilder g, StackedRecurrent stacked, string x)
    {
        foreach (var cell in stacked.Cells) x = Emit(g, cell, x, [])[0];
        return x;
    }

    /// <summary>Throws <see cref="NotSupportedException"/> when an activation of the layer has no ONNX recurrent form.</summary>
    public static void Check(RecurrentLayer layer)
    {
        if (layer.Stateful)
            throw new NotSupportedException(
                $"ONNX export: layer '{layer.Name}' ({layer.ClassName}) is stateful, and an ONNX run always starts from the states it " +
                "is given; export the model rebuilt with stateful false and pass the states as inputs.");
        foreach (var activation in ActivationsOf(layer))
            if (!Activations.ContainsKey(activation.Name))
                throw new NotSupportedException(
                    $"ONNX export: layer '{layer.Name}' ({layer.ClassName}) uses activation '{activation.Name}', which ONNX's " +
                    $"{OpType(layer)} operator cannot express here; supported: {string.Join(", ", Activations.Keys)}.");
    }

    /// <summary>Appends the layer's call on <paramref name="x"/> from <paramref name="initialStates"/> (none: zeros; else h,
    /// then an LSTM's c, each [batch, units]) and returns its output, then its final states when the layer returns them
    /// (ONNX's initial_h, initial_c, Y_h and Y_c, with their direction axis).</summary>
    public static string[] Emit(OnnxGraphBuilder g, RecurrentLayer layer, string x, IReadOnlyList<string> initialStates)
    {
        string name = layer.Name;
        int units = layer.Units, gates = layer.RecurrentKernel.Shape[1] / units;
        int[] order = layer is LSTM ? [0, 3, 1, 2] : [.. Enumerable.Range(0, gates)];
        string timeMajor = g.Node("Transpose", name, [x], Ints("perm", 1, 0, 2));
        if (layer.GoBackwards) timeMajor = Reversed(g, name, timeMajor, axis: 0);
        string w = g.Initializer($"{name}/W", [1, gates * units, layer.Kernel.Shape[0]], GateRows(layer.Kernel, units, order));
        string r = g.Initializer($"{name}/R", [1, gates * units, units], GateRows(layer.RecurrentKernel, units, order));
        string b = g.Initializer($"{name}/B", [1, 2 * gates * units], Biases(layer, units, gates, order));
        var attributes = new List<AttributeProto>
        {
            Int("hidden_size", units),
            Strings("activations", ActivationsOf(layer).Select(a => Activations[a.Name]).ToArray()),
        };
        if (layer is GRU gru) attributes.Add(Int("linear_before_reset", gru.ResetAfter ? 1 : 0));
        var inputs = new List<string> { timeMajor, w, r, b };
        if (initialStates.Count > 0)
        {
            // sequence_lens is left out (every sequence runs its whole length); the states get ONNX's direction axis.
            string directionAxis = g.Int64Initializer($"{name}/state_direction_axis", [0]);
            inputs.Add("");
            inputs.AddRange(initialStates.Select(state => g.Node("Unsqueeze", name, [state, directionAxis])));
        }
        // Y: [steps, 1 direction, batch, units]; Y_h and Y_c: [1 direction, batch, units].
        var made = g.Nodes(OpType(layer), name, inputs, layer.ReturnState ? 1 + layer.StateCount : 1, [.. attributes]);
        string y = made[0], output;
        if (layer.ReturnSequences)
            output = g.Node("Transpose", name, [g.Node("Squeeze", name, [y, g.Int64Initializer($"{name}/direction_axis", [1])])],
                Ints("perm", 1, 0, 2));
        else
        {
            string last = g.Node("Slice", name, [y, g.Int64Initializer($"{name}/last_starts", [-1]),
                g.Int64Initializer($"{name}/last_ends", [long.MaxValue]), g.Int64Initializer($"{name}/last_axes", [0])]);
            output = g.Node("Squeeze", name, [last, g.Int64Initializer($"{name}/step_direction_axes", [0, 1])]);
        }
        if (!layer.ReturnState) return [output];
        string stateAxis = g.Int64Initializer($"{name}/final_state_direction_axis", [0]);
        return [output, .. made.Skip(1).Select(state => g.Node("Squeeze", name, [state, stateAxis]))];
    }

    /// <summary>x with <paramref name="axis"/> (the steps) in reverse order: a Slice from the last step with step −1.</summary>
    private static string Reversed(OnnxGraphBuilder g, string name, string x, int axis) =>
        g.Node("Slice", name, [x, g.Int64Initializer($"{name}/reverse_starts", [-1]), g.Int64Initializer($"{name}/reverse_ends", [long.MinValue]),
            g.Int64Initializer($"{name}/reverse_axes", [axis]), g.Int64Initializer($"{name}/reverse_steps", [-1])]);

    private static string OpType(RecurrentLayer layer) => layer switch { LSTM => "LSTM", GRU => "GRU", _ => "RNN" };

    /// <summary>ONNX's activations attribute: RNN f; GRU f (gates), g (candidate); LSTM f (gates), g (candidate), h (output).</summary>
    private static ActivationFunction[] ActivationsOf(RecurrentLayer layer) => layer switch
    {
        LSTM lstm => [lstm.RecurrentActivation, lstm.Activation, lstm.Activation],
        GRU gru => [gru.RecurrentActivation, gru.Activation],
        _ => [layer.Activation],
    };

    /// <summary>A Keras [in, gates·units] kernel as ONNX's [gates·units, in], gate blocks in ONNX's order.</summary>
    private static float[] GateRows(Tensor kernel, int units, int[] order)
    {
        int inputs = kernel.Shape[0], width = kernel.Shape[1];
        var rows = new float[width * inputs];
        for (int gate = 0; gate < order.Length; gate++)
            for (int j = 0; j < units; j++)
                for (int i = 0; i < inputs; i++)
                    rows[(gate * units + j) * inputs + i] = kernel.Data[i * width + order[gate] * units + j];
        return rows;
    }

    /// <summary>ONNX's [Wb; Rb]: Keras's single bias is the input-side one (the recurrent one zero), except GRU with
    /// reset_after, whose [2, 3·units] bias holds both rows.</summary>
    private static float[] Biases(RecurrentLayer layer, int units, int gates, int[] order)
    {
        var result = new float[2 * gates * units];
        if (layer.Bias is not { } bias) return result;
        int rows = bias.Rank == 2 ? 2 : 1;
        for (int row = 0; row < rows; row++)
            for (int gate = 0; gate < gates; gate++)
                bias.Data.AsSpan(row * gates * units + order[gate] * units, units)
                    .CopyTo(result.AsSpan((row * gates + gate) * units, units));
        return result;
    }

    private static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }
}
