using System.Globalization;

namespace Nabla.Data;

public sealed partial class Table
{
    /// <summary>pandas's read_csv treats these cells as missing by default (among others); "?" is not one of them.</summary>
    public static IReadOnlyList<string> DefaultNaValues { get; } = ["", "NA", "N/A", "NaN", "nan", "null"];

    /// <summary>
    /// Reads a CSV file of mixed columns, as pandas's <c>read_csv(path, na_values=naValues)</c>: the first row names the
    /// columns unless it is all numbers or <see cref="CsvOptions.HasHeader"/> is false (then "column 1", "column 2"...), cells equal to one of
    /// <paramref name="naValues"/> (default <see cref="DefaultNaValues"/>) are missing, and a column is numeric when all its
    /// other cells read as numbers, text otherwise. Rows with the wrong number of fields are errors naming the line.
    /// </summary>
    public static Table ReadCsv(string path, IEnumerable<string>? naValues = null, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= CsvOptions.Default;
        options.Validate();
        var missing = new HashSet<string>(naValues ?? DefaultNaValues, StringComparer.Ordinal);
        DataFile.RequireExists(path);
        long length = new FileInfo(path).Length;
        if (length > options.MaxBytes)
            throw DataFormatException.InFile(path, $"at most {options.MaxBytes} bytes (DataReadOptions.MaxBytes)", $"{length} bytes");

        char separator = options.Separator ?? Csv.DetectSeparator(path);
        var fields = new List<string>();
        string[]? names = null;
        List<string?>[] cells = [];
        List<int> lines = [];
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            Csv.Split(path, lineNumber, line, separator, fields);
            if (names is null)
            {
                // pandas always takes the first row as the header; a first row of numbers is data here, so that
                // a headerless numeric file does not lose its first sample.
                bool header = options.HasHeader ?? !fields.TrueForAll(f => float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                names = header ? [.. fields] : Enumerable.Range(1, fields.Count).Select(i => $"column {i}").ToArray();
                CheckNames(path, lineNumber, names);
                cells = names.Select(_ => new List<string?>()).ToArray();
                if (header) continue;
            }
            if (fields.Count != names.Length)
                throw DataFormatException.AtLine(path, lineNumber,
                    $"{names.Length} fields separated by {Csv.Describe(separator)} (as on the first row)", $"{fields.Count} fields");
            for (int c = 0; c < fields.Count; c++) cells[c].Add(missing.Contains(fields[c]) ? null : fields[c]);
            lines.Add(lineNumber);
        }
        if (names is null || lines.Count == 0)
            throw DataFormatException.AtLine(path, Math.Max(1, lineNumber), "at least one data row", names is null ? "an empty file" : "only a header");
        return new Table(names.Select((name, c) => ToColumn(name, c, cells[c], lines, options.AllowNonFinite, path)));
    }

    private static void CheckNames(string path, int line, string[] names)
    {
        for (int c = 0; c < names.Length; c++)
        {
            if (names[c].Length == 0)
                throw DataFormatException.AtCell(path, line, c + 1, "", "a column name in the header", "an empty cell");
            if (Array.IndexOf(names, names[c]) != c)
                throw DataFormatException.AtCell(path, line, c + 1, names[c], "distinct column names", $"'{names[c]}' twice");
        }
    }

    /// <summary>A numeric column when every present cell is a number; text otherwise, remembering the first cell that was not.</summary>
    private static TableColumn ToColumn(string name, int column, List<string?> cells, List<int> lines, bool allowNonFinite, string path)
    {
        var numbers = new float[cells.Count];
        for (int r = 0; r < cells.Count; r++)
        {
            if (cells[r] is not { } cell) { numbers[r] = float.NaN; continue; }
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                return TableColumn.FromTexts(name, cells.ToArray(), (lines[r], cell));
            if (float.IsInfinity(value) && !allowNonFinite)
                throw DataFormatException.AtCell(path, lines[r], column + 1, name, "a finite number or a missing value", $"'{cell}'");
            numbers[r] = value;
        }
        return TableColumn.FromNumbers(name, numbers);
    }
}
