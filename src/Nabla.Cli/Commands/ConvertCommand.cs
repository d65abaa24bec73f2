using System.CommandLine;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla convert IN OUT</c>: reads a model file and writes it in the format OUT's extension names:
/// ".keras", legacy ".h5", TensorFlow.js "model.json", ".weights.h5" or ".safetensors" (weights only), ".onnx".</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A .keras, .h5 or TensorFlow.js model.json file." };
        var output = new Argument<string>("output") { Description = "The file to write: .keras, .h5, model.json, .weights.h5, .safetensors or .onnx." };
        var command = new Command("convert", "Convert a saved model between Keras, TensorFlow.js, safetensors and ONNX formats, by extension.")
        {
            input, output,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var model = ModelFiles.Open(parse.GetValue(input)!);
            string target = parse.GetValue(output)!;
            if (target.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) model.Export(target, "onnx");
            else if (target.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                model.SaveWeights(target);
            else model.Save(target);
            Console.WriteLine($"Wrote {Path.GetFullPath(target)} ({model.Name}, {model.CountParams():N0} parameters).");
            return 0;
        }));
        return command;
    }
}
