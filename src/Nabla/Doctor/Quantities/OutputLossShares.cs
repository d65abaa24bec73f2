namespace Nabla.Doctor;

/// <summary>One output's part of the total loss: its own loss over the first epoch times its loss weight.</summary>
internal sealed record OutputLossShare(string Output, double Weight, double Loss)
{
    public double Weighted => Weight * Loss;
}

/// <summary>
/// How the total loss of a model with several outputs splits between them: each output's weighted loss over the first
/// epoch, from the training history (<c>{output}_loss</c>) and the compiled loss weights. The first epoch is where the
/// weights decide what the shared layers learn; later the dominant output's loss shrinks as it is fitted, and the
/// ratio with it. The optimizer follows the total, so an output whose weighted loss is a tiny share of it steers the
/// shared layers hardly at all. Null for a model with fewer than two outputs with a loss, or before an epoch ends.
/// </summary>
internal sealed record OutputLossShares(IReadOnlyList<OutputLossShare> Outputs)
{
    /// <summary>The output with the largest weighted loss.</summary>
    public OutputLossShare Dominant => Outputs.MaxBy(o => o.Weighted)!;

    /// <summary>The output with the smallest weighted loss.</summary>
    public OutputLossShare Dominated => Outputs.MinBy(o => o.Weighted)!;

    /// <summary>Largest weighted loss over the smallest; infinite when the smallest is 0.</summary>
    public double Ratio => Dominated.Weighted > 0 ? Dominant.Weighted / Dominated.Weighted : double.PositiveInfinity;

    public static OutputLossShares? Of(IReadOnlyList<CompiledOutput> outputs, IReadOnlyDictionary<string, List<double>> history)
    {
        var shares = new List<OutputLossShare>();
        foreach (var output in outputs.Where(o => o.HasLoss))
        {
            if (!history.TryGetValue(output.Name + "_loss", out var losses) || losses.Count == 0) return null;
            if (!double.IsFinite(losses[0])) return null;
            shares.Add(new OutputLossShare(output.Name, output.LossWeight, losses[0]));
        }
        return shares.Count >= 2 ? new OutputLossShares(shares) : null;
    }
}
