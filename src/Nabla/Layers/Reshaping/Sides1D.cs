using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Steps taken at the start and the end of a sequence: ZeroPadding1D's padding and Cropping1D's cropping, as
/// Keras takes them: one int for both ends, or (start, end).</summary>
public readonly record struct Sides1D(int Start, int End)
{
    public static implicit operator Sides1D(int both) => new(both, both);

    public static implicit operator Sides1D((int Start, int End) sides) => new(sides.Start, sides.End);

    public override string ToString() => $"({Start}, {End})";

    /// <summary>The sides under <paramref name="key"/>: an int or [start, end]; <paramref name="fallback"/> when absent.
    /// Null is refused: Keras raises on None sides.</summary>
    internal static Sides1D Read(Config config, string key, Sides1D fallback, string layer)
    {
        config.RefuseNull(layer, key);
        if (!config.TryGet(key, out var value)) return fallback;
        if (value is not List<object?>) return config.GetInt(key);
        var pair = config.GetIntArray(key)!;
        if (pair.Length != 2)
            throw new ArgumentException($"{layer}: '{key}' must be an int or [start, end], found {Config.Describe(value)}.");
        return (pair[0], pair[1]);
    }
}
