using System.Text;

namespace Nabla.Layers;

/// <summary>Keras-style automatic layer names: "dense", "dense_1", "dense_2", ...</summary>
internal static class LayerNames
{
    private static readonly Dictionary<string, int> counts = [];
    private static readonly Lock gate = new();

    public static string Unique(string baseName)
    {
        lock (gate)
        {
            counts.TryGetValue(baseName, out int n);
            counts[baseName] = n + 1;
            return n == 0 ? baseName : $"{baseName}_{n}";
        }
    }

    /// <summary>Forgets the counters, like <c>keras.backend.clear_session()</c>.</summary>
    public static void Reset()
    {
        lock (gate) counts.Clear();
    }

    /// <summary>"BatchNormalization" gives "batch_normalization".</summary>
    public static string SnakeCase(string className)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < className.Length; i++)
        {
            char c = className[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(className[i - 1]) ||
                (i + 1 < className.Length && char.IsLower(className[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
