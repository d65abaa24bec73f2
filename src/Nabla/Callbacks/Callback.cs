namespace Nabla.Callbacks;

/// <summary>
/// Keras's callback hooks. <c>logs</c> holds the current values ("loss", "accuracy", "val_loss"...);
/// during an epoch they are running means over the batches seen so far.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set before <see cref="OnTrainBegin"/>.</summary>
    public Model Model { get; internal set; } = null!;

    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double> logs) { }

    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    public virtual void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) { }

    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    public virtual void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }

    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>The monitored value of this epoch; false when it is a validation value and this Fit does not validate at
    /// this epoch (validationFreq), which a monitor skips as Keras's does; any other missing key is an error naming the
    /// callback and the keys there are.</summary>
    private protected bool TryGetMonitored(IReadOnlyDictionary<string, double> logs, string monitor, int epoch, out double value)
    {
        if (logs.TryGetValue(monitor, out value)) return true;
        if (monitor.StartsWith("val_", StringComparison.Ordinal) && Model?.CurrentFit is { } fit && !fit.ValidatesAt(epoch)) return false;
        throw new InvalidOperationException(
            $"{GetType().Name} monitors '{monitor}', which the logs do not have. Available: {string.Join(", ", logs.Keys)}.");
    }
}
