using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Rows and columns taken at the four sides of an image: ZeroPadding2D's padding and Cropping2D's cropping, as Keras
/// takes them: one int for all four sides, (rows, columns) for the same on both sides of an axis, or
/// ((top, bottom), (left, right)).
/// </summary>
public readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    public static implicit operator Padding2D(int padding) => new(padding, padding, padding, padding);

    public static implicit operator Padding2D((int Height, int Width) padding) =>
        new(padding.Height, padding.Height, padding.Width, padding.Width);

    public static implicit operator Padding2D(((int Top, int Bottom) Height, (int Left, int Right) Width) padding) =>
        new(padding.Height.Top, padding.Height.Bottom, padding.Width.Left, padding.Width.Right);

    public override string ToString() => $"(({Top}, {Bottom}), ({Left}, {Right}))";

    /// <summary>The sides under <paramref name="key"/>: an int, [rows, columns] or [[top, bottom], [left, right]];
    /// <paramref name="fallback"/> when absent. Null is refused: Keras raises on None sides.</summary>
    internal static Padding2D Read(Config config, string key, Padding2D fallback, string layer)
    {
        config.RefuseNull(layer, key);
        if (!config.TryGet(key, out var value)) return fallback;
        if (value is not List<object?> list) return config.GetInt(key);
        string error = $"{layer}: '{key}' must be an int, [rows, columns] or [[top, bottom], [left, right]], found {Config.Describe(value)}.";
        if (list.Count != 2) throw new ArgumentException(error);
        if (list[0] is List<object?> && list[1] is List<object?>)
        {
            var rows = new Config { ["p"] = list[0] }.GetIntArray("p")!;
            var columns = new Config { ["p"] = list[1] }.GetIntArray("p")!;
            if (rows.Length != 2 || columns.Length != 2) throw new ArgumentException(error);
            return ((rows[0], rows[1]), (columns[0], columns[1]));
        }
        var pair = config.GetIntArray(key)!;
        return (pair[0], pair[1]);
    }
}
