using Nabla.Metrics;

namespace Nabla;

/// <summary>
/// The running means of a step's losses, under Keras's history keys: <c>loss</c> (the weighted total with the
/// penalties) and, for a model with several outputs, <c>{output}_loss</c> for each output that has a loss.
/// </summary>
internal sealed class StepLosses
{
    private readonly Mean total = new("loss");
    private readonly (int Output, Mean Mean, string Key)[] perOutput;

    public StepLosses(Model model)
    {
        perOutput = model.OutputCount == 1 ? []
            : Enumerable.Range(0, model.OutputCount).Where(o => model.Losses[o] is not null)
                .Select(o => (o, new Mean($"{model.OutputNames[o]}_loss"), $"{model.OutputNames[o]}_loss")).ToArray();
    }

    public void Reset()
    {
        total.Reset();
        foreach (var entry in perOutput) entry.Mean.Reset();
    }

    public void Update(CapturedStep step, int count) => Update(step.Loss!.Data[0], step.OutputLosses, count);

    /// <summary>Adds one batch: its total loss and, per output, its loss tensor (null entries are skipped).</summary>
    public void Update(float loss, IReadOnlyList<Tensor?>? outputLosses, int count)
    {
        total.Update(loss, count);
        foreach (var (output, mean, _) in perOutput)
            if (outputLosses?[output] is { } l) mean.Update(l.Data[0], count);
    }

    /// <summary>Adds one batch from values already read out of the step (evaluation on replicas).</summary>
    public void Update(float loss, ReadOnlySpan<float> outputLosses, int count)
    {
        total.Update(loss, count);
        foreach (var (output, mean, _) in perOutput) mean.Update(outputLosses[output], count);
    }

    public void Write(IDictionary<string, double> logs)
    {
        logs["loss"] = total.Result();
        foreach (var (_, mean, key) in perOutput) logs[key] = mean.Result();
    }
}
