using System.CommandLine;
using System.Globalization;
using Nabla.Serialization.Onnx.Proto;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla summary FILE</c>: Keras's model summary (layers, output shapes, parameter counts) of a saved
/// model: ".keras", ".h5", Keras JSON, TensorFlow.js "model.json", or an ".onnx" file exported by Nabla (its
/// weights grouped by layer, read from the initializers' "layer/weight" names), or an experiment file's model.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A .keras, .h5, Keras JSON, TensorFlow.js model.json, exported .onnx or experiment file." };
        var command = new Command("summary", "Print the summary of a saved model: layers, output shapes, parameter counts.") { file };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(file)!;
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) PrintOnnx(path);
            else ModelFiles.Open(path).Summary();
            return 0;
        }));
        return command;
    }

    private static void PrintOnnx(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        ModelProto proto;
        try { proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)); }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new FormatException($"{path}: not an ONNX model ({e.Message}).", e);
        }
        var graph = proto.Graph ?? throw new FormatException($"{path}: the ONNX model has no graph.");
        Console.WriteLine($"Model: \"{graph.Name}\" (ONNX, producer {proto.ProducerName} {proto.ProducerVersion}, opset {string.Join(", ", proto.OpsetImport.Select(o => o.Version))})");
        foreach (var input in graph.Input) Console.WriteLine($"Input  {input.Name}: {Shape(input)}");
        foreach (var output in graph.Output) Console.WriteLine($"Output {output.Name}: {Shape(output)}");
        Console.WriteLine(new string('_', 50));
        Console.WriteLine(" Layer".PadRight(36) + "Param #");
        Console.WriteLine(new string('=', 50));
        long total = 0;
        foreach (var layer in graph.Initializer.GroupBy(t => t.Name.Contains('/') ? t.Name[..t.Name.LastIndexOf('/')] : t.Name))
        {
            long count = layer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));
            total += count;
            Console.WriteLine($" {layer.Key}".PadRight(36) + count.ToString(CultureInfo.InvariantCulture));
        }
        Console.WriteLine(new string('=', 50));
        Console.WriteLine($"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)} ({graph.Node.Count} ONNX nodes: {string.Join(", ", graph.Node.Select(n => n.OpType).Distinct())})");
    }

    private static string Shape(ValueInfoProto value) =>
        "(" + string.Join(", ", value.Type?.TensorType?.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : "None") ?? []) + ")";
}
