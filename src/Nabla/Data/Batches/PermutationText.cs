using System.Globalization;

namespace Nabla.Data;

/// <summary>A permutation written as "i,j,k…" in a backup's metadata, and read back checked: exactly
/// <c>count</c> entries, each index below it once (an empty text for none).</summary>
internal static class PermutationText
{
    public static string Write(int[] order) => string.Join(",", order);

    /// <param name="field">The metadata field, for the error.</param>
    /// <param name="what">What the indices number ("this run's 20 training samples"), for the error.</param>
    public static int[] Parse(string text, int count, string source, string field, string what)
    {
        string[] parts = count == 0 && text.Length == 0 ? [] : text.Split(',');
        var order = new int[parts.Length];
        var seen = new bool[count];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts.Length != count || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out order[i])
                || order[i] >= count || seen[order[i]])
                throw DataFormatException.AtField(source, field, $"a permutation of {what}",
                    parts.Length != count ? $"{parts.Length} entries" : $"entry {i}: '{parts[i]}'");
            seen[order[i]] = true;
        }
        return order;
    }
}
