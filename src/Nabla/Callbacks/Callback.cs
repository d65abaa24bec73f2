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
}
