namespace Nabla.Doctor;

/// <summary>
/// shuffle_before_split: the experiment's rows put in a seeded random order before Fit splits off its validation rows,
/// as a Keras user does with a permutation (<c>idx = np.random.permutation(len(x)); x, y = x[idx], y[idx]</c>).
/// </summary>
internal static class ShuffleRepair
{
    /// <summary>The permutation's seed: fixed, so that the repaired run is reproducible.</summary>
    public const int Seed = 0;

    /// <summary>x and y with their rows in the same seeded random order; null without a validation split (Fit's own
    /// shuffling then already sees every row).</summary>
    public static (Experiment, string)? Apply(Experiment e)
    {
        if (!(e.ValidationSplit > 0)) return null;
        var (x, y) = Data.Preprocessing.Shuffle(e.X, e.Y, Seed);
        return (e with { X = x, Y = y }, $"rows shuffled before validation_split (seed {Seed})");
    }
}
