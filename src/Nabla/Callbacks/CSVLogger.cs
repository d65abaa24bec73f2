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
    private string existing = "";
    private string[]? existingKeys;

    public string Filename { get; } = filename;

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        rows.Clear();
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
        var keys = existingKeys ?? rows.SelectMany(r => r.Logs.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var content = new StringBuilder(existing);
        if (existingKeys is null) content.Append("epoch").Append(separator).AppendJoin(separator, keys).Append('\n');
        foreach (var (rowEpoch, values) in rows)
        {
            content.Append(rowEpoch.ToString(CultureInfo.InvariantCulture));
            foreach (var key in keys)
                content.Append(separator).Append(values.TryGetValue(key, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
            content.Append('\n');
        }
        AtomicFile.WriteAllText(Filename, content.ToString());
    }
}
