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
        var data = new Command("data", "Inspect data files (.npy, IDX raw or .gz, CSV) and image folders.");
        data.Subcommands.Add(CreateInfo());
        return data;
    }

    private static Command CreateInfo()
    {
        var file = new Argument<string>("file") { Description = "A .npy, IDX (raw or .gz) or .csv/.tsv/.txt file, or a folder of images (one subfolder per class)." };
        var info = new Command("info", "Print shape, dtype, value statistics and normalization hints for a data file, or the classes, sizes and unreadable files of an image folder.");
        info.Arguments.Add(file);
        info.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            string path = parseResult.GetValue(file)!;
            try
            {
                if (Directory.Exists(path))
                {
                    PrintImageFolder(output, ImageFolderSummary.Compute(path));
                    return 0;
                }
                if (IsText(path))
                {
                    PrintTable(output, path);
                    return 0;
                }
                // NaN/Inf are what this command counts, so the reader must let them through.
                var (array, format) = DataFile.Load(path, new DataReadOptions { AllowNonFinite = true });
                Print(output, path, format, array, DataSummary.Compute(array.Values));
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                error.WriteLine($"nabla data info: {OneLine(CliErrors.Message(e))}");
                return BadInput;
            }
        });
        return info;
    }

    /// <summary>Cells read as missing in a text file: pandas's usual markers and the '?' of UCI files.</summary>
    private static readonly string[] MissingMarkers = [.. Table.DefaultNaValues, "?"];

    private static bool IsText(string path) => Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".tsv" or ".txt";

    /// <summary>A CSV file: its columns (numbers or text, missing values), then the statistics of its numeric columns.</summary>
    private static void PrintTable(TextWriter output, string path)
    {
        var table = Table.ReadCsv(path, MissingMarkers, new CsvOptions { AllowNonFinite = true });
        var numeric = table.Columns.Where(c => c.IsNumeric).ToArray();
        var text = table.Columns.Where(c => !c.IsNumeric).ToArray();
        output.WriteLine($"File:     {path}");
        output.WriteLine($"Format:   csv, {table.RowCount} rows x {table.Columns.Count} columns " +
                         $"({numeric.Length} numeric, {text.Length} text); missing: {string.Join(" ", MissingMarkers.Select(m => $"'{m}'"))}");
        int width = table.Columns.Max(c => c.Name.Length);
        output.WriteLine("Columns:");
        foreach (var column in table.Columns)
        {
            var categories = column.IsNumeric ? [] : column.Categories();
            string kind = column.IsNumeric ? "number" : $"text, {categories.Count} categories: {string.Join(", ", categories.Take(8))}{(categories.Count > 8 ? ", ..." : "")}";
            string missing = column.MissingCount > 0 ? $", {column.MissingCount} missing" : "";
            output.WriteLine($"  {column.Name.PadRight(width)}  {kind}{missing}");
        }
        if (numeric.Length == 0) return;
        var x = new Tensor([table.RowCount, numeric.Length]);
        for (int r = 0; r < table.RowCount; r++)
            for (int c = 0; c < numeric.Length; c++) x.Data[r * numeric.Length + c] = numeric[c].Number(r);
        var summary = DataSummary.Compute(x);
        var extra = new List<string>();
        int missingCells = table.Columns.Sum(c => c.MissingCount);
        if (missingCells > 0)
            extra.Add($"{missingCells} missing value(s) in {string.Join(", ", table.Columns.Where(c => c.MissingCount > 0).Select(c => $"'{c.Name}' ({c.MissingCount})"))}: " +
                      "drop the rows (Table.DropMissing) or impute them");
        if (text.Length > 0)
            extra.Add($"{text.Length} text column(s) ({string.Join(", ", text.Select(c => $"'{c.Name}'"))}): one-hot encode (Table.OneHot) or drop them before training");
        Print(output, path, null, new LoadedArray(x, "float32 (text)"), summary, extra);
    }

    private static void Print(TextWriter output, string path, string? format, LoadedArray array, DataSummary s, IReadOnlyList<string>? extraHints = null)
    {
        string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        if (format is not null)
        {
            output.WriteLine($"File:     {path}");
            output.WriteLine($"Format:   {format}, dtype {array.DType}");
        }
        output.WriteLine($"Shape:    {Tensor.ShapeString(array.Values.Shape)} ({s.Samples} samples x {s.Features} features)" +
                         (format is null ? " in the numeric columns; missing values count as NaN" : ""));
        output.WriteLine($"Values:   min {G(s.Min)}, max {G(s.Max)}, mean {G(s.Mean)}, std {G(s.Std)}");
        output.WriteLine($"Features: mean from {G(s.FeatureMeanRange.Min)} to {G(s.FeatureMeanRange.Max)}, " +
                         $"std from {G(s.FeatureStdRange.Min)} to {G(s.FeatureStdRange.Max)}");
        output.WriteLine($"NaN: {s.NaNCount}, Inf: {s.InfCount}, constant features: {s.ConstantFeatures.Count}, " +
                         $"scale spread (max std / min non-zero std): {(s.ScaleSpread is { } spread ? G(spread) : "n/a")}");
        var hints = (extraHints ?? []).Concat(s.Hints()).ToList();
        if (hints.Count == 0)
        {
            output.WriteLine("Flags:    none; the values look ready for training.");
            return;
        }
        output.WriteLine("Flags:");
        foreach (string hint in hints) output.WriteLine($"  - {hint}");
    }

    /// <summary>An image folder: what Images.DatasetFromDirectory would read, and what would stop or mislead training.</summary>
    private static void PrintImageFolder(TextWriter output, ImageFolderSummary s)
    {
        output.WriteLine($"Folder:   {s.Directory}");
        output.WriteLine($"Images:   {s.Files} files ({string.Join(", ", s.Extensions.Select(e => $"{e.Key} {e.Value}"))})" +
                         (s.Classes.Count > 0 ? $" in {s.Classes.Count} classes" : ", no class folders (labels: null)"));
        if (s.Classes.Count > 0)
        {
            output.WriteLine("Classes:  (label, folder, files)");
            int width = s.Classes.Max(c => c.Name.Length);
            for (int label = 0; label < s.Classes.Count; label++)
            {
                var (name, files) = s.Classes[label];
                output.WriteLine($"  {label,3}  {name.PadRight(width)}  {files,6}  ({100.0 * files / Math.Max(s.Files, 1):0.0} %)".TrimEnd());
            }
        }
        if (s.Sizes.Count > 0)
        {
            string Size(((int Height, int Width) Size, int Count) e) => $"{e.Size.Height} x {e.Size.Width}";
            var byArea = s.Sizes.OrderBy(e => (long)e.Size.Height * e.Size.Width).ToList();
            output.WriteLine($"Sizes:    {s.Sizes.Count} distinct (height x width); most common {Size(s.Sizes[0])} ({s.Sizes[0].Count} files); " +
                             $"smallest {Size(byArea[0])}, largest {Size(byArea[^1])}");
            string Kind(int c) => c switch { 1 => "grey", 2 => "grey+alpha", 3 => "colour", _ => "colour+alpha" };
            output.WriteLine($"Channels: {string.Join(", ", s.FileChannels.Select(c => $"{Kind(c.Key)} {c.Value}"))}");
        }
        if (s.Unreadable.Count > 0)
        {
            output.WriteLine($"Unreadable: {s.Unreadable.Count}");
            foreach (var (path, reason) in s.Unreadable) output.WriteLine($"  {path}: {OneLine(reason)}");
        }
        var hints = s.Hints();
        if (hints.Count == 0)
        {
            output.WriteLine("Flags:    none; Images.DatasetFromDirectory reads every file.");
            return;
        }
        output.WriteLine("Flags:");
        foreach (string hint in hints) output.WriteLine($"  - {hint}");
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
