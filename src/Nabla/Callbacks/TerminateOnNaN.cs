namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>TerminateOnNaN</c>: stops training as soon as a batch loss is NaN or infinite. A step whose loss
/// is not finite is never applied, so training stops with the weights and optimizer state of the last step
/// whose loss was finite; the callback says so on standard output, as Keras prints its notice.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The batch at which training was stopped, or null.</summary>
    public int? TerminatedAtBatch { get; private set; }

    /// <summary>What the callback printed when it stopped training, or null.</summary>
    public string? Message { get; private set; }

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs.TryGetValue("loss", out double loss) && !double.IsFinite(loss))
        {
            TerminatedAtBatch = batch;
            Model.StopTraining = true;
            Message = $"Batch {batch}: invalid loss ({loss}), terminating training; the step was not applied, so the " +
                      "weights are those of the last step with a finite loss.";
            Console.WriteLine(Message);
        }
    }
}
