namespace Nabla.Callbacks;

/// <summary>Keras's <c>LearningRateScheduler</c>: at the start of each epoch, sets the learning rate to
/// <c>schedule(epoch, currentLearningRate)</c>.</summary>
public sealed class LearningRateScheduler(Func<int, double, double> schedule) : Callback
{
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double lr = schedule(epoch, Model.Optimizer!.LearningRate);
        if (!double.IsFinite(lr) || lr < 0)
            throw new InvalidOperationException($"LearningRateScheduler returned {lr} for epoch {epoch}; a learning rate must be a finite number ≥ 0.");
        Model.Optimizer.LearningRate = lr;
    }
}
