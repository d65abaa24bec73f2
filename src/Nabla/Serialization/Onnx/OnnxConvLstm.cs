using Nabla.Kernels;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxConvLayers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes ConvLSTM1D/2D/3D as their recurrence unrolled over the (fixed) steps, since ONNX has no ConvLSTM operator.
/// As <see cref="ConvLSTM.CallAll"/>: one input Conv (the layer's strides, padding, dilation, with the bias) over every step
/// folded into the batch; then per step z = that step's block + Conv(h, recurrent_kernel) ("same", stride 1), gates i, f,
/// c, o split from z, c = f·c + i·activation(z_c), h = o·activation(c). The first step starts from zero states, so its
/// recurrent product and f·c are left out as Predict leaves them out. The recurrence runs channels-first (ONNX's Conv
/// layout) and only the output is transposed back.
/// </summary>
internal static class OnnxConvLstm
{
    public static bool Handles(Layer layer) => layer is ConvLSTM;

    /// <summary>Throws <see cref="NotSupportedException"/> for what the unrolled graph cannot express.</summary>
    public static void Check(ConvLSTM layer)
    {
        string what = $"ONNX export: layer '{layer.Name}' ({layer.ClassName})";
        if (layer.InputShape is not { } shape || shape[0] == Layer.UnknownDimension)
            throw new NotSupportedException(
                $"{what} has an unknown number of steps; its recurrence is unrolled step by step, so give the Input a fixed length.");
        if (layer.ReturnState)
            throw new NotSupportedException($"{what} returns its final states; only a ConvLSTM's output is exported.");
        foreach (var activation in new[] { layer.Activation, layer.RecurrentActivation })
            // Softmax's axis would be a spatial one in the channels-first recurrence; the others act elementwise.
            if (!OnnxActivations.Supported.Contains(activation.Name) || activation.Name is "softmax" or "log_softmax")
                throw new NotSupportedException(
                    $"{what} uses activation '{activation.Name}', which the exporter cannot write; supported activations: " +
                    $"{string.Join(", ", OnnxActivations.Supported)}.");
    }

    /// <summary>Refuses a functional call with initial states (ONNX would need them as inputs of the unrolled steps) or
    /// with training forced on while the layer has dropout (Predict would then drop).</summary>
    public static void Check(Node node, ConvLSTM layer)
    {
        string what = $"ONNX export: layer '{layer.Name}' ({layer.ClassName})";
        if (node.Inputs.Count > 1)
            throw new NotSupportedException($"{what} is called with an initial_state; only a call from zero states is exported.");
        if ((layer.Dropout > 0 || layer.RecurrentDropout > 0) && Layer.TrainingOf(node.Options, false))
            throw new NotSupportedException($"{what} is called with training true, so its dropout runs in Predict; the export writes inference.");
    }

    public static string Emit(OnnxGraphBuilder g, ConvLSTM layer, string x)
    {
        string name = layer.Name;
        int rank = layer.Rank, steps = layer.InputShape![0], filters = layer.Filters, gates = 4 * filters;
        var geometry = layer.BuiltInputGeometry;
        int[] stepShape = OnnxLayers.ChannelsLastShape(layer, layer.InputShape)[1..], outSpatial = geometry.OutSpatial(rank);

        // Every step's input product at once: [batch·steps, spatial..., channels] → [batch, steps, 4·filters, out...].
        string folded = g.Node("Reshape", name, [x, g.Int64Initializer($"{name}/folded", [-1, .. Longs(stepShape)])]);
        var inputs = new List<string>
        {
            ChannelsFirst(g, name, folded, rank),
            KernelInitializer(g, $"{name}/kernel_oihw", layer.Kernel, geometry, rank, gates),
        };
        if (layer.Bias is { } bias) inputs.Add(g.Weight(bias));
        string inputGates = g.Node("Reshape", name, [ConvNode(g, name, inputs, geometry, rank),
            g.Int64Initializer($"{name}/unfolded", [-1, steps, gates, .. Longs(outSpatial)])]);
        string[] perStep = steps == 1 ? [inputGates] : g.Nodes("Split", name, [inputGates], steps, Int("axis", 1));
        string stepAxis = g.Int64Initializer($"{name}/step_axis", [1]);

        var recurrentGeometry = layer.BuiltRecurrentGeometry;
        string recurrentKernel = KernelInitializer(g, $"{name}/recurrent_kernel_oihw", layer.RecurrentKernel, recurrentGeometry, rank, gates);
        string? h = null, c = null;
        var outputs = new List<string>();
        for (int k = 0; k < steps; k++)
        {
            // go_backwards processes the steps from the last, and outputs them in that order, as Predict.
            int t = layer.GoBackwards ? steps - 1 - k : k;
            string z = g.Node("Squeeze", name, [perStep[t], stepAxis]);
            if (h is not null) z = g.Node("Add", name, [z, ConvNode(g, name, [h, recurrentKernel], recurrentGeometry, rank)]);
            string[] zs = g.Nodes("Split", name, [z], 4, Int("axis", 1));
            string inputGate = OnnxActivations.Emit(g, layer.RecurrentActivation, zs[0], $"{name}/i", name);
            string candidate = OnnxActivations.Emit(g, layer.Activation, zs[2], $"{name}/g", name);
            string kept = g.Node("Mul", name, [inputGate, candidate]);
            c = c is null ? kept
                : g.Node("Add", name, [g.Node("Mul", name, [OnnxActivations.Emit(g, layer.RecurrentActivation, zs[1], $"{name}/f", name), c]), kept]);
            h = g.Node("Mul", name, [OnnxActivations.Emit(g, layer.RecurrentActivation, zs[3], $"{name}/o", name),
                OnnxActivations.Emit(g, layer.Activation, c, $"{name}/c", name)]);
            if (layer.ReturnSequences) outputs.Add(g.Node("Unsqueeze", name, [h, stepAxis]));
        }
        if (!layer.ReturnSequences) return ChannelsLast(g, name, h!, rank);
        // [batch, steps, filters, out...] → [batch, steps, out..., filters].
        string sequence = steps == 1 ? outputs[0] : g.Node("Concat", name, outputs, Int("axis", 1));
        return g.Node("Transpose", name, [sequence], Ints("perm", [0, 1, .. Enumerable.Range(3, rank).Select(a => (long)a), 2]));
    }

    /// <summary>A ConvLSTM kernel [window..., in, 4·filters] as ONNX's [4·filters, in, window...] (gates in Keras's order).</summary>
    private static string KernelInitializer(OnnxGraphBuilder g, string name, Tensor kernel, ConvGeometry geometry, int rank, int gates)
    {
        int[] window = geometry.KernelSpatial(rank);
        int spatial = window.Aggregate(1, (a, b) => a * b), inChannels = geometry.Channels;
        return g.Initializer(name, [gates, inChannels, .. window], SpatialAxesLast(kernel, spatial, inChannels, gates));
    }

    private static string ConvNode(OnnxGraphBuilder g, string name, IEnumerable<string> inputs, ConvGeometry geometry, int rank) =>
        g.Node("Conv", name, inputs,
            Ints("kernel_shape", Longs(geometry.KernelSpatial(rank))),
            Ints("strides", Spatial(rank, geometry.StrideDepth, geometry.StrideHeight, geometry.StrideWidth)),
            Ints("dilations", Spatial(rank, geometry.DilationDepth, geometry.DilationHeight, geometry.DilationWidth)),
            Ints("pads", Pads(rank, geometry)));
}
