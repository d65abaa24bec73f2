using System.Globalization;
using System.Text;
using Nabla.Configuration;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>CSVLogger</c>: one row per epoch ("epoch" then the log keys in sorted order). The file is
/// rewritten atomically after every epoch, so it is never left half-written. A key that first appears in a later epoch
/// (val_ logs with validationFreq) gets its column then, "NA" in the rows before, where Keras's logger, whose columns
/// are the first epoch's, would drop it; appending to a file keeps that file's columns, as Keras does.
/// </summary>
public sealed class CSVLogger(string filename, char separator = ',', bool append = false) : Callback
{
    private readonly List<(int Epoch, Dictionary<string, double> Logs)> rows = [];
    // Each row formatted under the columns in `columns`; all are formatted again only when a new key adds a column.
    private readonly List<string> lines = [];
    private string[] columns = [];
    private string existing = "";
    private string[]? existingKeys;

    public string Filename { get; } = filename;

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        rows.Clear();
        lines.Clear();
        columns = [];
        existing = "";
        existingKeys = null;
        if (append && File.Exists(Filename))
        {
            existing = File.ReadAllText(Filename);
            var header = existing.Split('\n', 2)[0].Trim();
            if (header.Length > 0) existingKeys = header.Split(separator).Skip(1).ToArray();
        }
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        rows.Add((epoch, new Dictionary<string, double>(logs)));
        var keys = existingKeys ?? columns.Union(logs.Keys).Order(StringComparer.Ordinal).ToArray();
        if (!keys.SequenceEqual(columns))
        {
            columns = keys;
            lines.Clear();
            foreach (var (rowEpoch, values) in rows) lines.Add(Line(rowEpoch, values));
        }
        else lines.Add(Line(epoch, rows[^1].Logs));
        var content = new StringBuilder(existing);
        if (existingKeys is null) content.Append("epoch").Append(separator).AppendJoin(separator, columns).Append('\n');
        foreach (var line in lines) content.Append(line);
        AtomicFile.WriteAllText(Filename, content.ToString());
    }

    private string Line(int epoch, Dictionary<string, double> values)
    {
        var line = new StringBuilder(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var key in columns)
            line.Append(separator).Append(values.TryGetValue(key, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        return line.Append('\n').ToString();
    }
}
