using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>With several outputs: one output's weighted loss is <see cref="DoctorThresholds.DominatingLossRatio"/> times
/// another's or more, so the other output has almost no say in the gradient (loss weights, or losses of very different scales).</summary>
internal sealed class DominatingLossDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.OutputShares is not { } shares || !(shares.Ratio >= t.DominatingLossRatio)) yield break;
        var (big, small) = (shares.Dominant, shares.Dominated);
        double share = small.Weighted / shares.Outputs.Sum(o => o.Weighted);
        yield return new(Make(FindingCodes.DominatingLoss, Severity.Error,
            $"The loss of output '{big.Output}' dominates: over the first epoch, weighted {big.Weighted:G3} (loss {big.Loss:G3} × weight {big.Weight:G3}) against " +
            $"{small.Weighted:G3} for '{small.Output}' (loss {small.Loss:G3} × weight {small.Weight:G3}), {shares.Ratio:G3} times more. " +
            $"'{small.Output}' makes {100 * share:G2}% of the total loss the optimizer follows, so it barely shapes the shared layers.",
            [FixCodes.BalanceLossWeights], ("dominant_output", big.Output), ("dominated_output", small.Output), ("ratio", R(shares.Ratio)),
            ("dominant_weight", big.Weight), ("dominated_weight", small.Weight), ("ratio_threshold", t.DominatingLossRatio)).At(small.Output, null),
            // A total loss that fell says nothing of the starved output: the dominant one made the fall.
            Floor: Severity.Warning);
    }
}
