namespace Nabla;

/// <summary>Global helpers, named after <c>keras.utils</c>.</summary>
public static class Utils
{
    private static RandomGenerator global = new(Environment.TickCount64);
    private static long? seed;

    /// <summary>
    /// Seeds every random choice Nabla makes (initial weights, shuffling, dropout), like
    /// <c>keras.utils.set_random_seed</c>: the same seed and thread count give bitwise-identical runs.
    /// </summary>
    public static void SetRandomSeed(int seed)
    {
        Utils.seed = seed;
        global = new RandomGenerator(seed);
    }

    /// <summary>The seed set by <see cref="SetRandomSeed"/>, if any.</summary>
    public static long? RandomSeed => seed;

    /// <summary>
    /// Restores the global generator's state when disposed, so that a look at the model (the doctor's
    /// pre-flight probe) does not change what a seeded training run draws.
    /// </summary>
    public static IDisposable PreserveRandomState() => new RandomStateScope(global.Clone());

    private sealed class RandomStateScope(RandomGenerator saved) : IDisposable
    {
        public void Dispose() => global.CopyStateFrom(saved);
    }

    /// <summary>The global generator that unseeded initializers, shuffling and dropout draw from.</summary>
    public static RandomGenerator Random => global;
}
