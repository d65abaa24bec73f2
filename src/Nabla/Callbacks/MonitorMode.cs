namespace Nabla.Callbacks;

/// <summary>
/// Whether a monitored quantity should go down ("min") or up ("max"), and what counts as an improvement:
/// beating the best value by more than minDelta. Shared by EarlyStopping and ReduceLROnPlateau, which
/// Keras defines the same way.
/// </summary>
internal sealed class MonitorMode
{
    public MonitorMode(string monitor, string mode, double minDelta)
    {
        IsMax = mode switch
        {
            "min" => false,
            "max" => true,
            // Keras's "auto": accuracy-like metrics rise, everything else (losses, errors) falls.
            "auto" => monitor.Contains("acc", StringComparison.Ordinal) || monitor.EndsWith("auc", StringComparison.Ordinal)
                      || monitor.EndsWith("precision", StringComparison.Ordinal) || monitor.EndsWith("recall", StringComparison.Ordinal),
            _ => throw new ArgumentException($"Monitor mode must be \"auto\", \"min\" or \"max\", found \"{mode}\".", nameof(mode)),
        };
        if (!(minDelta >= 0)) throw new ArgumentException($"'minDelta' must be ≥ 0, found {minDelta}.", nameof(minDelta));
        MinDelta = minDelta;
    }

    public bool IsMax { get; }

    public double MinDelta { get; }

    /// <summary>The starting "best": +∞ when minimizing, −∞ when maximizing.</summary>
    public double Worst => IsMax ? double.NegativeInfinity : double.PositiveInfinity;

    public bool IsImprovement(double current, double best) =>
        IsMax ? current - MinDelta > best : current + MinDelta < best;
}
