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
        int rows = e.X.Shape[0];
        var order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        var random = new RandomGenerator(Seed);
        for (int i = rows - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return (e with { X = Gather(e.X, order), Y = Gather(e.Y, order) }, $"rows shuffled before validation_split (seed {Seed})");
    }

    private static Tensor Gather(Tensor t, int[] order)
    {
        int width = t.Size / t.Shape[0];
        var result = new Tensor(t.Shape);
        for (int r = 0; r < order.Length; r++)
            t.Data.AsSpan(order[r] * width, width).CopyTo(result.Data.AsSpan(r * width, width));
        return result;
    }
}
