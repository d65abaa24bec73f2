namespace Nabla.Callbacks;

/// <summary>Keras's <c>TerminateOnNaN</c>: stops training as soon as a batch loss is NaN or infinite.</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The batch at which training was stopped, or null.</summary>
    public int? TerminatedAtBatch { get; private set; }

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs.TryGetValue("loss", out double loss) && !double.IsFinite(loss))
        {
            TerminatedAtBatch = batch;
            Model.StopTraining = true;
        }
    }
}
