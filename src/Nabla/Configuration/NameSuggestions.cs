namespace Nabla.Configuration;

/// <summary>"Did you mean" for unknown names: the closest known name by edit distance (Levenshtein), when close enough.</summary>
internal static class NameSuggestions
{
    /// <summary>The candidate nearest to <paramref name="name"/> (compared by <paramref name="normalize"/>), or null when
    /// even the nearest differs in more than a third of its characters (at least 2 edits are always allowed).</summary>
    public static string? Closest(string name, IEnumerable<string> candidates, Func<string, string>? normalize = null)
    {
        normalize ??= s => s.ToLowerInvariant();
        string key = normalize(name);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(key, normalize(candidate));
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    /// <summary>" Did you mean 'x'?" or "".</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates, Func<string, string>? normalize = null) =>
        Closest(name, candidates, normalize) is { } closest ? $" Did you mean '{closest}'?" : "";

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
