using Nabla.Callbacks;

namespace Nabla;

/// <summary>Keras's History callback: records the epoch logs; <c>Fit</c> returns it. <c>history["loss"]</c> lists one value per epoch.</summary>
public sealed class History : Callback
{
    private readonly Dictionary<string, List<double>> values = [];

    public IReadOnlyList<double> this[string key] =>
        values.TryGetValue(key, out var list)
            ? list
            : throw new KeyNotFoundException(
                $"History has no '{key}'; it has: {string.Join(", ", values.Keys)}.");

    public IEnumerable<string> Keys => values.Keys;

    public bool ContainsKey(string key) => values.ContainsKey(key);

    /// <summary>Epoch indices recorded (0-based).</summary>
    public IReadOnlyList<int> Epochs => epochs;

    private readonly List<int> epochs = [];

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        epochs.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!values.TryGetValue(key, out var list)) values[key] = list = [];
            list.Add(value);
        }
    }
}
