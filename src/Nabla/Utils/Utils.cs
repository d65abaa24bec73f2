namespace Nabla;

/// <summary>Global helpers, named after <c>keras.utils</c>.</summary>
public static class Utils
{
    // One generator per logical flow of control (it follows async code like a thread-local would follow a
    // thread): two models trained at once on different threads, or test classes running in parallel, then
    // cannot steal each other's random numbers and break a seeded run's reproducibility.
    private static readonly AsyncLocal<RandomGenerator?> current = new();
    private static readonly AsyncLocal<long?> currentSeed = new();

    /// <summary>
    /// Seeds every random choice Nabla makes (initial weights, shuffling, dropout), like
    /// <c>keras.utils.set_random_seed</c>: the same seed and thread count give bitwise-identical runs.
    /// The seed holds for the calling thread and the async code it starts.
    /// </summary>
    public static void SetRandomSeed(int seed)
    {
        currentSeed.Value = seed;
        current.Value = new RandomGenerator(seed);
    }

    /// <summary>The seed set by <see cref="SetRandomSeed"/>, if any.</summary>
    public static long? RandomSeed => currentSeed.Value;

    /// <summary>
    /// Restores the generator's state when disposed, so that a look at the model (the doctor's pre-flight
    /// probe) does not change what a seeded training run draws.
    /// </summary>
    public static IDisposable PreserveRandomState() => new RandomStateScope(Random, Random.Clone());

    private sealed class RandomStateScope(RandomGenerator generator, RandomGenerator saved) : IDisposable
    {
        public void Dispose() => generator.CopyStateFrom(saved);
    }

    /// <summary>The generator that unseeded initializers, shuffling and dropout draw from; without a seed,
    /// one seeded from the clock.</summary>
    public static RandomGenerator Random =>
        current.Value ??= new RandomGenerator(Environment.TickCount64 ^ Environment.CurrentManagedThreadId);
}
