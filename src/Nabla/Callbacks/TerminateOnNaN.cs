namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>TerminateOnNaN</c>: stops training as soon as a batch loss is NaN or infinite, or a batch's update
/// would have made a weight or optimizer moment so (Keras would stop at the next batch, whose loss the broken
/// weights make NaN). Such a step is never applied, so training stops with the weights and optimizer state of the
/// last good step; the callback says so on standard output, as Keras prints its notice.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The batch at which training was stopped, or null.</summary>
    public int? TerminatedAtBatch { get; private set; }

    /// <summary>What the callback printed when it stopped training, or null.</summary>
    public string? Message { get; private set; }

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        bool badLoss = logs.TryGetValue("loss", out double loss) && !double.IsFinite(loss);
        if (!badLoss && Model.LastTrainStepApplied) return;
        TerminatedAtBatch = batch;
        Model.StopTraining = true;
        Message = (badLoss ? $"Batch {batch}: invalid loss ({loss}), terminating training"
                : $"Batch {batch}: the update would have made weights not finite, terminating training") +
            "; the step was not applied, so the weights are those of the last good step (finite loss and weights).";
        Console.WriteLine(Message);
    }
}
