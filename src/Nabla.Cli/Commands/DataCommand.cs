using System.CommandLine;
using System.Globalization;
using Nabla.Data;

namespace Nabla.Cli.Commands;

/// <summary><c>nabla data info FILE</c>: what is in a data file, and whether it needs normalizing.</summary>
internal static class DataCommand
{
    /// <summary>Exit code for input the command cannot read (1 is System.CommandLine's for bad arguments).</summary>
    public const int BadInput = 2;

    public static Command Create()
    {
        var data = new Command("data", "Inspect data files (.npy, IDX raw or .gz, CSV).");
        data.Subcommands.Add(CreateInfo());
        return data;
    }

    private static Command CreateInfo()
    {
        var file = new Argument<string>("file") { Description = "A .npy, IDX (raw or .gz) or .csv/.tsv/.txt file." };
        var info = new Command("info", "Print shape, dtype, value statistics and normalization hints for a data file.");
        info.Arguments.Add(file);
        info.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            string path = parseResult.GetValue(file)!;
            try
            {
                // NaN/Inf are what this command counts, so the reader must let them through.
                var (array, format) = DataFile.Load(path, new DataReadOptions { AllowNonFinite = true });
                Print(output, path, format, array, DataSummary.Compute(array.Values));
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                error.WriteLine($"nabla data info: {OneLine(e.Message)}");
                return BadInput;
            }
        });
        return info;
    }

    private static void Print(TextWriter output, string path, string format, LoadedArray array, DataSummary s)
    {
        string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        output.WriteLine($"File:     {path}");
        output.WriteLine($"Format:   {format}, dtype {array.DType}");
        output.WriteLine($"Shape:    {Tensor.ShapeString(array.Values.Shape)} ({s.Samples} samples x {s.Features} features)");
        output.WriteLine($"Values:   min {G(s.Min)}, max {G(s.Max)}, mean {G(s.Mean)}, std {G(s.Std)}");
        output.WriteLine($"Features: mean from {G(s.FeatureMeanRange.Min)} to {G(s.FeatureMeanRange.Max)}, " +
                         $"std from {G(s.FeatureStdRange.Min)} to {G(s.FeatureStdRange.Max)}");
        output.WriteLine($"NaN: {s.NaNCount}, Inf: {s.InfCount}, constant features: {s.ConstantFeatures.Count}, " +
                         $"scale spread (max std / min non-zero std): {(s.ScaleSpread is { } spread ? G(spread) : "n/a")}");
        var hints = s.Hints();
        if (hints.Count == 0)
        {
            output.WriteLine("Flags:    none; the values look ready for training.");
            return;
        }
        output.WriteLine("Flags:");
        foreach (string hint in hints) output.WriteLine($"  - {hint}");
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
