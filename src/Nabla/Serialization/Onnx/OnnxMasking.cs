using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes Masking as its effect on values, x · any(x ≠ mask_value over the features), as <see cref="Masking"/>'s Call
/// computes it. ONNX values carry no mask, so a model is refused, naming both layers, when the mask would change what a
/// later layer computes (recurrent layers skip masked steps, attention leaves them out, GlobalAveragePooling1D averages
/// the others) or would reach a model output (Keras's losses and metrics leave masked steps out): the export is only
/// the value effect when nothing reads the mask.
/// </summary>
internal static class OnnxMasking
{
    public static bool Handles(Layer layer) => layer is Masking;

    public static string Emit(OnnxGraphBuilder g, Masking masking, string x)
    {
        string name = masking.Name;
        string kept = g.Node("Not", name, [g.Node("Equal", name, [x, g.Scalar($"{name}/mask_value", (float)masking.MaskValue)])]);
        // The maximum of 0/1 floats over the features is their any(); opset 17's ReduceMax takes its axes as an attribute.
        string any = g.Node("ReduceMax", name, [g.Node("Cast", name, [kept], Int("to", (long)Proto.TensorProto.Types.DataType.Float))],
            Ints("axes", -1), Int("keepdims", 1));
        return g.Node("Mul", name, [x, any]);
    }

    /// <summary>Follows each Masking layer's mask through <paramref name="model"/>'s layer calls as Predict propagates it
    /// (a layer that supports masking passes it on, any other stops it) and throws <see cref="NotSupportedException"/>
    /// where a layer or an output would read it. A nested model is checked by itself, as it gets no mask from here.</summary>
    public static void Check(Model model)
    {
        if (model.Functional is not { } graph)
        {
            Masking? source = null;
            foreach (var layer in model.Layers) source = Passed(layer, [source], model);
            if (source is not null) RefuseOutput(source, model);
            return;
        }
        var masks = new Dictionary<SymbolicTensor, Masking>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Nodes)
        {
            var made = Passed(node.Layer, [.. node.Inputs.Select(t => masks.GetValueOrDefault(t))], model);
            if (made is not null) masks[node.Outputs[0]] = made;
        }
        foreach (var output in graph.Outputs)
            if (masks.TryGetValue(output, out var source)) RefuseOutput(source, model);
    }

    /// <summary>The Masking whose mask a call of <paramref name="layer"/> on inputs with these masks (null: none) gives
    /// its output, or null; throws when the layer would read one.</summary>
    private static Masking? Passed(Layer layer, IReadOnlyList<Masking?> inputMasks, Model model)
    {
        if (layer is Masking masking) return masking;  // it makes its own mask from its input's values
        if (inputMasks.FirstOrDefault(m => m is not null) is not { } source) return null;
        if (inputMasks.Count > 1 || layer is Model || ReadsMask(layer))
            throw new NotSupportedException(
                $"ONNX export: model '{model.Name}': the mask of layer '{source.Name}' (Masking) reaches layer '{layer.Name}' " +
                $"({layer.ClassName}), which {(layer is Model ? "is a nested model the export does not follow masks into"
                    : inputMasks.Count > 1 ? "reads its inputs' masks" : "would use it")}; ONNX values carry no mask, so " +
                "the export would compute it unmasked.");
        return layer.SupportsMasking ? source : null;
    }

    /// <summary>The layers whose Predict changes with a mask on their input, or refuses it: Softmax and BatchNormalization
    /// (which Nabla refuses masked), also inside TimeDistributed, whose wrapped layer sees no mask but is checked for them.</summary>
    private static bool ReadsMask(Layer layer) => layer is RnnLayer or StackedRecurrent or Bidirectional or AttentionLayer
        or GlobalAveragePooling1D || RefusesMask(layer) || layer is TimeDistributed { Layer: var wrapped } && RefusesMask(wrapped);

    private static bool RefusesMask(Layer layer) => layer is Softmax or BatchNormalization;

    private static void RefuseOutput(Masking source, Model model) =>
        throw new NotSupportedException(
            $"ONNX export: model '{model.Name}': the mask of layer '{source.Name}' (Masking) reaches the model's output, where " +
            "Keras's losses and metrics leave the masked steps out; ONNX values carry no mask.");
}
