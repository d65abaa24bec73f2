using Nabla.Configuration;
using Google.Protobuf;
using Nabla.Serialization.Onnx.Proto;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes a built model as an ONNX file for inference (ONNX Runtime and other runtimes): one graph with the
/// float input "input" of shape [batch, ...InputShape] (batch symbolic) and the output "output", weights as
/// initializers under their Nabla names ("dense/kernel"). What <c>Model.Export(path, "onnx")</c> calls.
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
        // The writer emits layers one after the other: a graph that branches or merges would come out wrong.
        if (model is not Sequential && model.Functional?.IsChain != true)
            throw new NotSupportedException(
                $"ONNX export writes Sequential models and functional chains; model '{model.Name}' " +
                (model.Functional is null ? "is a subclassed model." : "has branches, merges, shared layers or several inputs or outputs."));
        // Every layer is checked before any node is made, so the error names the first offending layer.
        foreach (var layer in model.Layers) OnnxLayers.Check(layer);

        var g = new OnnxGraphBuilder(model.Name);
        const string input = "input";
        string value = input;
        foreach (var layer in model.Layers) value = OnnxLayers.Emit(g, layer, value);
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Nabla",
            ProducerVersion = NablaVersion.Current,
            Graph = g.Finish(input, model.InputShape!, value, "output", model.OutputShape!),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return proto;
    }
}
