using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// A normalization layer's <c>axis</c> argument as Keras writes it: an int or a list of ints, counted with the batch
/// axis as 0 and from the end when negative. Nabla normalizes over trailing axes only, so the axes must be the last
/// ones, in order: [-1], or [1, 2, 3] for every axis of an image but the batch.
/// </summary>
internal static class TrailingAxes
{
    /// <summary>The axes under <c>axis</c> (<paramref name="fallback"/> when absent), an int or a list of ints. A null
    /// axis is refused: these layers' Keras constructors fail on None (int(None), or a TypeError naming the axis).</summary>
    public static int[] Read(Config config, string className, int[] fallback)
    {
        Layer.RefuseNull(config, className, "axis");
        if (!config.TryGet("axis", out var value)) return fallback;
        return value is IEnumerable<object?> ? config.GetIntArray("axis")! : [config.GetInt("axis")];
    }

    /// <summary>How many trailing axes of an input of per-sample shape <paramref name="inputShape"/> the axes name;
    /// throws, naming the layer and the axes, unless they are the last ones in order.</summary>
    public static int Count(int[] axes, int[] inputShape, string layer)
    {
        int rank = inputShape.Length + 1;
        var resolved = axes.Select(a => a < 0 ? a + rank : a).ToArray();
        bool trailing = resolved.Length >= 1 && resolved.Length < rank;
        for (int i = 0; trailing && i < resolved.Length; i++) trailing = resolved[i] == rank - resolved.Length + i;
        if (!trailing)
            throw new NotSupportedException(
                $"Layer '{layer}': axis [{string.Join(", ", axes)}] on inputs of rank {rank} (batch axis 0); Nabla normalizes over " +
                $"the last axes only, in order (-1, or up to [1, ..., {rank - 1}]).");
        return resolved.Length;
    }
}
