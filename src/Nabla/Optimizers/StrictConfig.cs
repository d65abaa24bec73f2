using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>Config reading shared by optimizers and schedules: Keras rejects unknown arguments, and so do we.</summary>
internal static class StrictConfig
{
    /// <summary>Throws when <paramref name="config"/> has a key outside <paramref name="allowed"/>.</summary>
    public static void RequireOnly(Config config, string className, params string[] allowed)
    {
        foreach (var key in config.Keys)
            if (Array.IndexOf(allowed, key) < 0)
                throw new ArgumentException(
                    $"{className} config has an unrecognized key '{key}'. Accepted keys: {string.Join(", ", allowed)}.");
    }

    /// <summary>A required list of numbers.</summary>
    public static double[] GetNumbers(Config config, string key)
    {
        if (!config.TryGet(key, out var raw) || raw is string || raw is not System.Collections.IEnumerable list)
            throw new ArgumentException($"Config key '{key}' must be a list of numbers, found {Config.Describe(raw)}.");
        var numbers = new List<double>();
        int index = 0;
        foreach (var item in list)
        {
            numbers.Add(item switch
            {
                double d => d,
                float f => f,
                long l => l,
                int i => i,
                _ => throw new ArgumentException(
                    $"Config key '{key}' must be a list of numbers; item {index} is {Config.Describe(item)}."),
            });
            index++;
        }
        return [.. numbers];
    }
}
