using System.CommandLine;
using Nabla.Cli.Commands;
using Nabla.Tests.Doctor;

namespace Nabla.Tests.Reliability;

/// <summary>Errors a user causes end the CLI with exit 2 and one line, never a stack trace.</summary>
[Collection(DoctorCollection.Name)]
public sealed class CliErrorTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int Exit, string Stderr) Nabla(params string[] args)
    {
        var root = new RootCommand("nabla");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        var oldError = Console.Error;
        var stderr = new StringWriter();
        Console.SetError(stderr);
        try
        {
            return (root.Parse(args).Invoke(), stderr.ToString());
        }
        finally
        {
            Console.SetError(oldError);
        }
    }

    private string Experiment(string optimizer, string synthetic)
    {
        string path = Path.Combine(folder, "exp.json");
        File.WriteAllText(path, $$$"""
            {"model": {"class_name": "Sequential", "config": {"layers": [
               {"class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax", "batch_input_shape": [null, 4]}}]}},
             "compile": {"optimizer": {{{optimizer}}}, "loss": "sparse_categorical_crossentropy"},
             "data": {"synthetic": {{{synthetic}}}},
             "fit": {"epochs": 1, "batch_size": 32}}
            """);
        return path;
    }

    [Theory]
    [InlineData("""{"class_name": "Adam", "config": {"use_ema": true}}""", """{"kind": "classification", "samples": 64, "features": 4}""", "use_ema")]
    [InlineData("\"adam\"", """{"kind": "classification", "samples": 1, "features": 2000000000}""", "features")]
    [InlineData("\"adam\"", """{"kind": "classification", "samples": 64, "features": 1e400}""", "features")]
    public void UnsupportedOrOversizedExperimentsExitWith2AndOneLine(string optimizer, string synthetic, string named)
    {
        var (exit, stderr) = Nabla("doctor", Experiment(optimizer, synthetic), "--quiet");
        Assert.Equal(2, exit);
        Assert.StartsWith("nabla: error:", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains(named, stderr);
    }
}
