namespace Nabla.Callbacks;

/// <summary>
/// Whether a monitored quantity should go down ("min") or up ("max"), and what counts as an improvement:
/// beating the best value by more than minDelta. Shared by EarlyStopping and ReduceLROnPlateau, which
/// Keras defines the same way.
/// </summary>
internal sealed class MonitorMode
{
    private readonly string monitor;
    private readonly bool auto;

    public MonitorMode(string monitor, string mode, double minDelta)
    {
        this.monitor = monitor;
        auto = mode == "auto";
        IsMax = mode switch
        {
            "min" => false,
            "max" => true,
            // Until Fit's metrics are known (Resolve), "auto" guesses from the name: accuracy-like metrics rise,
            // everything else (losses, errors) falls.
            "auto" => monitor.Contains("acc", StringComparison.Ordinal) || monitor.EndsWith("auc", StringComparison.Ordinal)
                      || monitor.EndsWith("precision", StringComparison.Ordinal) || monitor.EndsWith("recall", StringComparison.Ordinal),
            _ => throw new ArgumentException($"Monitor mode must be \"auto\", \"min\" or \"max\", found \"{mode}\".", nameof(mode)),
        };
        if (!(minDelta >= 0)) throw new ArgumentException($"'minDelta' must be ≥ 0, found {minDelta}.", nameof(minDelta));
        MinDelta = minDelta;
    }

    public bool IsMax { get; private set; }

    /// <summary>Settles "auto" as Keras's MonitorCallback does (keras/src/callbacks/monitor_callback.py): a loss falls,
    /// and a compiled metric of that name goes its own way (<see cref="Metrics.Metric.RisesWhenBetter"/>); a metric that
    /// does not say is refused, as Keras refuses it, rather than guessed. A name Fit does not log keeps the guess.</summary>
    public void Resolve(FitInfo? fit)
    {
        if (!auto || fit is null) return;
        string name = monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor[4..] : monitor;
        if (name == "loss" || name.EndsWith("_loss", StringComparison.Ordinal))
        {
            IsMax = false;
            return;
        }
        if (!fit.MetricDirections.TryGetValue(name, out var rises)) return;
        IsMax = rises ?? throw new ArgumentException(
            $"Cannot tell whether the monitored '{monitor}' should be maximized or minimized: its metric does not say. " +
            "Pass mode \"max\" or \"min\".");
    }

    public double MinDelta { get; }

    /// <summary>The starting "best": +∞ when minimizing, −∞ when maximizing.</summary>
    public double Worst => IsMax ? double.NegativeInfinity : double.PositiveInfinity;

    public bool IsImprovement(double current, double best) =>
        IsMax ? current - MinDelta > best : current + MinDelta < best;
}
