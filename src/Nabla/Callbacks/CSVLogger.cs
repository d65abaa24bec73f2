using System.Globalization;
using System.Text;
using Nabla.Configuration;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>CSVLogger</c>: one row per epoch ("epoch" then the log keys in sorted order). The file is
/// rewritten atomically after every epoch, so it is never left half-written.
/// </summary>
public sealed class CSVLogger(string filename, char separator = ',', bool append = false) : Callback
{
    private readonly StringBuilder content = new();
    private string[]? keys;

    public string Filename { get; } = filename;

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        content.Clear();
        keys = null;
        if (append && File.Exists(Filename))
        {
            string existing = File.ReadAllText(Filename);
            content.Append(existing);
            var header = existing.Split('\n', 2)[0].Trim();
            if (header.Length > 0) keys = header.Split(separator).Skip(1).ToArray();
        }
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (keys is null)
        {
            keys = logs.Keys.Order(StringComparer.Ordinal).ToArray();
            content.Append("epoch").Append(separator).AppendJoin(separator, keys).Append('\n');
        }
        content.Append(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var key in keys)
            content.Append(separator).Append(logs.TryGetValue(key, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        content.Append('\n');
        AtomicFile.WriteAllText(Filename, content.ToString());
    }
}
