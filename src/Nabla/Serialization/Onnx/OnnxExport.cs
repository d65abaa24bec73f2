using Nabla.Configuration;
using Google.Protobuf;
using Nabla.Serialization.Onnx.Proto;
using Nabla.Layers;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes a built model as an ONNX file for inference (ONNX Runtime and other runtimes): one graph with the
/// float input "input" of shape [batch, ...InputShape] (batch symbolic) and the output "output" (a model with several
/// inputs or outputs names them as the model does), weights as initializers under their Nabla names ("dense/kernel").
/// Sequential and functional models (branches, merges, shared layers, nested models) are written; subclassed ones are
/// refused. What <c>Model.Export(path, "onnx")</c> calls.
/// </summary>
public static class OnnxExport
{
    /// <summary>IR version 8 (ONNX 1.10+): what opset 17 requires and every runtime of the last years reads.</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain opset 17 (ONNX 1.12): read by ONNX Runtime 1.12 and later. Gelu (opset 20)
    /// is written as its Erf form, so nothing newer is needed.</summary>
    public const long Opset = 17;

    /// <summary>The serialized model. Throws before producing anything when the model is not built
    /// (<see cref="InvalidOperationException"/>) or has a layer or activation the exporter cannot write
    /// (<see cref="NotSupportedException"/>, naming it and listing the supported ones).</summary>
    public static byte[] ToBytes(Model model) => BuildProto(model).ToByteArray();

    /// <summary>Writes <see cref="ToBytes"/> to <paramref name="path"/> atomically: on any error no file is left.</summary>
    public static void Write(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = ToBytes(model);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    internal static ModelProto BuildProto(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureBuilt("ONNX export");
        // Every layer is checked before any node is made, so the error names the first offending layer.
        Check(model);

        var g = new OnnxGraphBuilder(model.Name);
        // One input and one output keep the plain names "input" and "output"; several take the model's names.
        string[] inputs = model.InputCount == 1 ? ["input"] : [.. model.InputNames];
        string[] outputs = model.OutputCount == 1 ? ["output"] : [.. model.OutputNames];
        var values = EmitModel(g, model, inputs);
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Nabla",
            ProducerVersion = NablaVersion.Current,
            Graph = g.Finish(inputs, model.InputShapes!, values, outputs, model.OutputShapes!),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return proto;
    }

    private static void Check(Model model)
    {
        if (model.IsSubclassed)
            throw new NotSupportedException(
                $"ONNX export: model '{model.Name}' is a subclassed model ({model.GetType().Name}): its forward pass is code, not a graph of layers.");
        foreach (var layer in model.Layers)
        {
            if (layer is Model nested) Check(nested);
            else if (!OnnxMergeLayers.Handles(layer) && !OnnxAttentionLayers.Handles(layer) && !OnnxMasking.Handles(layer)) OnnxLayers.Check(layer);
        }
        // Besides merges and nested models, only a recurrent layer's call reads several tensors (its initial states) or
        // makes several (its final states); any other layer doing so would lose them here.
        foreach (var node in model.Functional?.Nodes ?? [])
            if (OnnxAttentionLayers.Handles(node.Layer)) OnnxAttentionLayers.Check(node);
            else if (node.Layer is ConvLSTM convLstm) OnnxConvLstm.Check(node, convLstm);
            else if ((node.Inputs.Count > 1 || node.Outputs.Count > 1) && node.Layer is not (Model or RecurrentLayer) && !OnnxMergeLayers.Handles(node.Layer))
                throw new NotSupportedException(
                    $"ONNX export: layer '{node.Layer.Name}' ({node.Layer.ClassName}) is called with {node.Inputs.Count} inputs and makes " +
                    $"{node.Outputs.Count} tensors; not exported.");
        OnnxMasking.Check(model);
    }

    /// <summary>Appends a model's layer calls after the values of its inputs; returns the values of its outputs. A
    /// functional model runs its calls in graph order, so branches, merges and shared layers come out as in Predict.</summary>
    private static string[] EmitModel(OnnxGraphBuilder g, Model model, IReadOnlyList<string> inputs)
    {
        if (model.Functional is not { } graph)
        {
            string value = inputs[0];
            foreach (var layer in model.Layers) value = EmitLayer(g, layer, [value], [layer.InputShape!]);
            return [value];
        }
        var values = new Dictionary<SymbolicTensor, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Inputs.Length; i++) values[graph.Inputs[i]] = inputs[i];
        foreach (var node in graph.Nodes)
        {
            var xs = node.Inputs.Select(t => values[t]).ToArray();
            var shapes = node.Inputs.Select(t => t.Shape).ToArray();
            var made = node.Layer switch
            {
                RecurrentLayer recurrent => OnnxRecurrentLayers.Emit(g, recurrent, xs[0], xs[1..]),
                _ when OnnxAttentionLayers.Handles(node.Layer) => [OnnxAttentionLayers.Emit(g, node.Layer, xs, shapes, node.Options)],
                _ => [EmitLayer(g, node.Layer, xs, shapes)],
            };
            for (int i = 0; i < made.Length; i++) values[node.Outputs[i]] = made[i];
        }
        return graph.Outputs.Select(o => values[o]).ToArray();
    }

    private static string EmitLayer(OnnxGraphBuilder g, Layer layer, string[] xs, int[][] shapes)
    {
        if (layer is Model nested) return EmitModel(g, nested, xs)[0];
        if (OnnxMergeLayers.Handles(layer)) return OnnxMergeLayers.Emit(g, layer, xs, shapes);
        if (layer is Masking masking) return OnnxMasking.Emit(g, masking, xs[0]);
        return OnnxLayers.Emit(g, layer, xs[0]);
    }
}
