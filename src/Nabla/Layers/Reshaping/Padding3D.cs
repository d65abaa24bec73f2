using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Cells taken at the six sides of a volume: ZeroPadding3D's padding and Cropping3D's cropping, as Keras takes them:
/// one int for every side, (depth, height, width) for the same on both sides of an axis, or
/// ((front, back), (top, bottom), (left, right)).
/// </summary>
public readonly record struct Padding3D(int Front, int Back, int Top, int Bottom, int Left, int Right)
{
    public static implicit operator Padding3D(int padding) => new(padding, padding, padding, padding, padding, padding);

    public static implicit operator Padding3D((int Depth, int Height, int Width) padding) =>
        new(padding.Depth, padding.Depth, padding.Height, padding.Height, padding.Width, padding.Width);

    public static implicit operator Padding3D(((int Front, int Back) Depth, (int Top, int Bottom) Height, (int Left, int Right) Width) padding) =>
        new(padding.Depth.Front, padding.Depth.Back, padding.Height.Top, padding.Height.Bottom, padding.Width.Left, padding.Width.Right);

    internal bool AnyNegative => Front < 0 || Back < 0 || Top < 0 || Bottom < 0 || Left < 0 || Right < 0;

    /// <summary>Keras's config form: [[front, back], [top, bottom], [left, right]].</summary>
    internal List<object?> ToConfig() =>
        [ConvOptions.ToList(Front, Back), ConvOptions.ToList(Top, Bottom), ConvOptions.ToList(Left, Right)];

    public override string ToString() => $"(({Front}, {Back}), ({Top}, {Bottom}), ({Left}, {Right}))";

    /// <summary>The sides under <paramref name="key"/>: an int, [depth, height, width] or [[front, back], [top, bottom],
    /// [left, right]]; <paramref name="fallback"/> when absent. Null is refused: Keras raises on None sides.</summary>
    internal static Padding3D Read(Config config, string key, Padding3D fallback, string layer)
    {
        config.RefuseNull(layer, key);
        if (!config.TryGet(key, out var value)) return fallback;
        if (value is not List<object?> list) return config.GetInt(key);
        string error = $"{layer}: '{key}' must be an int, [depth, height, width] or [[front, back], [top, bottom], [left, right]], " +
            $"found {Config.Describe(value)}.";
        if (list.Count != 3) throw new ArgumentException(error);
        if (list.All(side => side is List<object?>))
        {
            var pairs = list.Select(side => new Config { ["p"] = side }.GetIntArray("p")!).ToArray();
            if (pairs.Any(pair => pair.Length != 2)) throw new ArgumentException(error);
            return ((pairs[0][0], pairs[0][1]), (pairs[1][0], pairs[1][1]), (pairs[2][0], pairs[2][1]));
        }
        if (list.Any(side => side is List<object?>)) throw new ArgumentException(error);
        var sizes = config.GetIntArray(key)!;
        return (sizes[0], sizes[1], sizes[2]);
    }
}
