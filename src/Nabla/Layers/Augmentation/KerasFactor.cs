using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>A factor as Keras's image layers write it in configs: a number, or a [lower, upper] pair of numbers.</summary>
internal static class KerasFactor
{
    /// <summary>A pair as written; a number through <paramref name="fromNumber"/>, which each layer reads its own way
    /// ([−f, f], [0, f], [f, f]...); anything else refused, naming the layer, the key and <paramref name="expected"/>.</summary>
    public static (double Lower, double Upper) Read(object? value, string layer, string key, Func<double, (double, double)> fromNumber,
        string expected = "a number or a [lower, upper] pair") => value switch
    {
        long or double => fromNumber(Convert.ToDouble(value)),
        IList<object?> { Count: 2 } pair when pair.All(v => v is long or double) => (Convert.ToDouble(pair[0]), Convert.ToDouble(pair[1])),
        _ => throw new ArgumentException($"{layer} '{key}' must be {expected}; found {Config.Describe(value)}."),
    };
}
