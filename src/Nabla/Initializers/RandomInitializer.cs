using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>
/// An initializer that draws random numbers. With a seed it gives the same values on every call (as a
/// Keras initializer seeded with an integer does); without one it draws from the global generator
/// <see cref="Utils.Random"/>, so <see cref="Utils.SetRandomSeed"/> makes whole models reproducible.
/// </summary>
public abstract class RandomInitializer : Initializer
{
    protected RandomInitializer(long? seed) => Seed = seed;

    public long? Seed { get; }

    /// <summary>A fresh generator for one fill.</summary>
    protected RandomGenerator Generator() => Seed is long s ? new RandomGenerator(s) : Utils.Random;

    /// <summary>The <c>{"seed": ...}</c> every Keras random initializer writes.</summary>
    protected Config SeedConfig() => new() { ["seed"] = Seed };

    /// <summary>Reads <c>"seed"</c>: null or an integer (a serialized SeedGenerator is not supported).</summary>
    internal static long? ReadSeed(Config config) =>
        config.TryGet("seed", out _) ? config.GetInt("seed") : null;
}
