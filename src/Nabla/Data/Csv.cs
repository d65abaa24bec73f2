using System.Globalization;

namespace Nabla.Data;

/// <summary>
/// Numeric CSV files: one row per sample, optional header, separator ',' ';' or tab (detected),
/// simple double-quoted fields. Every cell must be a finite number; anything else is an error that
/// names its line and column rather than a silently dropped or zeroed value.
/// </summary>
public static class Csv
{
    private static readonly char[] CandidateSeparators = [',', ';', '\t'];

    /// <summary>Loads features and labels: <c>var (x, y) = Csv.Load("iris.csv", labelColumn: "species")</c>.</summary>
    public static (Tensor Features, Tensor Labels) Load(string path, CsvColumn labelColumn, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(labelColumn);
        var table = Read(path, labelColumn, options);
        return (table.Features, table.Labels!);
    }

    /// <summary>Reads the whole table; without <paramref name="labelColumn"/> every column is a feature.</summary>
    public static CsvTable Read(string path, CsvColumn? labelColumn = null, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= CsvOptions.Default;
        options.Validate();
        if (options.NumClasses is <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.NumClasses, "CsvOptions.NumClasses must be positive.");
        Nabla.Data.DataFile.RequireExists(path);
        long length = new FileInfo(path).Length;
        if (length > options.MaxBytes)
            throw DataFormatException.InFile(path, $"at most {options.MaxBytes} bytes (DataReadOptions.MaxBytes)", $"{length} bytes");

        char separator = options.Separator ?? DetectSeparator(path);
        var fields = new List<string>();
        var features = new List<float>();
        var labels = new List<float>();
        string[]? header = null;
        int columns = -1, labelIndex = -1, firstDataLine = 0, rows = 0, lineNumber = 0;

        if (options.MaxLineChars <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxLineChars, "CsvOptions.MaxLineChars must be positive.");
        foreach (string line in CsvLines.Read(path, options.MaxLineChars))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            Split(path, lineNumber, line, separator, fields);

            if (columns < 0)
            {
                columns = fields.Count;
                bool hasHeader = options.HasHeader ?? fields.Exists(f => !IsNumber(f));
                if (hasHeader) header = [.. fields];
                labelIndex = ResolveLabel(path, lineNumber, labelColumn, header, columns);
                if (hasHeader) continue;
            }
            if (fields.Count != columns)
                throw DataFormatException.AtLine(path, lineNumber,
                    $"{columns} fields separated by {Describe(separator)} (as on the first row)", $"{fields.Count} fields");
            if (firstDataLine == 0) firstDataLine = lineNumber;
            if ((long)features.Count + columns > Array.MaxLength)
                throw DataFormatException.AtLine(path, lineNumber, $"at most {Array.MaxLength} values (one float32 tensor)", "more rows");

            for (int c = 0; c < columns; c++)
            {
                float value = ParseCell(path, lineNumber, c, header, fields[c], options.AllowNonFinite && c != labelIndex);
                if (c == labelIndex)
                {
                    CheckLabel(path, lineNumber, c, header, value, options.NumClasses);
                    labels.Add(value);
                }
                else
                {
                    features.Add(value);
                }
            }
            rows++;
        }

        if (rows == 0)
            throw DataFormatException.AtLine(path, Math.Max(1, lineNumber), "at least one data row", header is null ? "an empty file" : "only a header");
        int featureCount = columns - (labelIndex >= 0 ? 1 : 0);
        var featureNames = Enumerable.Range(0, columns).Where(c => c != labelIndex).Select(c => ColumnName(header, c, quoted: false)).ToArray();
        return new CsvTable
        {
            Features = Tensor.FromArray(features.ToArray(), rows, featureCount),
            Labels = labelIndex >= 0 ? Tensor.FromArray(labels.ToArray(), rows) : null,
            FeatureNames = featureNames,
            LabelName = labelIndex >= 0 ? ColumnName(header, labelIndex, quoted: false) : null,
            Separator = separator,
            HasHeader = header is not null,
        };
    }

    /// <summary>
    /// Picks the candidate separator that occurs most on the first non-blank line, preferring one
    /// that occurs equally often on the second (a decimal comma or a comma in a name does not).
    /// </summary>
    internal static char DetectSeparator(string path)
    {
        var firstLines = File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Take(2).ToArray();
        if (firstLines.Length == 0) return ',';
        int Count(string line, char c) => line.Count(ch => ch == c);
        var ranked = CandidateSeparators
            .Select(c => (Separator: c, First: Count(firstLines[0], c),
                Consistent: firstLines.Length < 2 || Count(firstLines[1], c) == Count(firstLines[0], c)))
            .Where(r => r.First > 0)
            .OrderByDescending(r => r.Consistent)
            .ThenByDescending(r => r.First)
            .ToArray();
        return ranked.Length > 0 ? ranked[0].Separator : ',';
    }

    internal static void Split(string path, int lineNumber, string line, char separator, List<string> fields)
    {
        fields.Clear();
        int i = 0;
        while (true)
        {
            string field;
            if (i < line.Length && line[i] == '"')
            {
                var text = new System.Text.StringBuilder();
                int j = i + 1;
                while (true)
                {
                    if (j >= line.Length)
                        throw DataFormatException.AtCell(path, lineNumber, fields.Count + 1, "",
                            "a closing double quote on the same line", "the end of the line");
                    if (line[j] == '"')
                    {
                        if (j + 1 < line.Length && line[j + 1] == '"') { text.Append('"'); j += 2; continue; }
                        break;
                    }
                    text.Append(line[j++]);
                }
                field = text.ToString();
                i = j + 1;
                int next = line.IndexOf(separator, i);
                string rest = next < 0 ? line[i..] : line[i..next];
                if (rest.Trim().Length > 0)
                    throw DataFormatException.AtCell(path, lineNumber, fields.Count + 1, "",
                        $"{Describe(separator)} or the end of the line after a quoted field", $"'{rest}'");
                i = next < 0 ? line.Length : next;
            }
            else
            {
                int next = line.IndexOf(separator, i);
                field = next < 0 ? line[i..] : line[i..next];
                i = next < 0 ? line.Length : next;
            }
            fields.Add(field.Trim());
            if (i >= line.Length) return;
            i++; // skip the separator
        }
    }

    private static int ResolveLabel(string path, int lineNumber, CsvColumn? column, string[]? header, int columns)
    {
        if (column is null) return -1;
        if (column.Name is { } name)
        {
            if (header is null)
                throw DataFormatException.AtLine(path, lineNumber, $"a header row naming the label column '{name}'",
                    "a first row of numbers (no header); pass the column index instead");
            int index = Array.IndexOf(header, name);
            if (index < 0)
                throw DataFormatException.AtLine(path, lineNumber, $"a column named '{name}'",
                    $"the columns {string.Join(", ", header.Select(h => $"'{h}'"))}");
            return index;
        }
        int at = column.Index!.Value;
        if (at >= columns)
            throw DataFormatException.AtLine(path, lineNumber, $"a label column index below {columns} (the number of columns)", $"index {at}");
        return at;
    }

    private static bool IsNumber(string cell) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static float ParseCell(string path, int line, int column, string[]? header, string cell, bool allowNonFinite)
    {
        if (cell.Length == 0)
            throw DataFormatException.AtCell(path, line, column + 1, ColumnName(header, column, quoted: true), "a number", "an empty cell");
        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            string hint = cell.Contains(',') ? " (a decimal comma? Nabla reads '.' as the decimal point)" : "";
            throw DataFormatException.AtCell(path, line, column + 1, ColumnName(header, column, quoted: true), "a number", $"'{cell}'{hint}");
        }
        if (!float.IsFinite(value) && !allowNonFinite)
            throw DataFormatException.AtCell(path, line, column + 1, ColumnName(header, column, quoted: true),
                "a finite number", $"'{cell}' ({value})");
        return value;
    }

    private static void CheckLabel(string path, int line, int column, string[]? header, float value, int? numClasses)
    {
        if (numClasses is not { } n) return;
        if (value != MathF.Floor(value) || value < 0 || value >= n)
            throw DataFormatException.AtCell(path, line, column + 1, ColumnName(header, column, quoted: true),
                $"an integer class label in 0..{n - 1} (NumClasses = {n})", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The header text of a column; without a header, "column N" (1-based) for names and "" inside error locations (which already say the column).</summary>
    private static string ColumnName(string[]? header, int column, bool quoted) =>
        header is not null ? header[column] : quoted ? "" : $"column {column + 1}";

    internal static string Describe(char separator) => separator switch
    {
        '\t' => "tabs",
        _ => $"'{separator}'",
    };
}
