namespace Nabla.Callbacks;

/// <summary>Fans each hook out to the user's callbacks, the progress bar and the <see cref="History"/>
/// (in Keras's order: progress bar first, user callbacks, history last).</summary>
internal sealed class CallbackList
{
    private readonly Callback[] callbacks;

    public CallbackList(Model model, IEnumerable<Callback>? userCallbacks, int verbose, int epochs, int stepsPerEpoch)
    {
        History = new History();
        var all = new List<Callback>();
        if (verbose > 0) all.Add(new ProgbarLogger(epochs, stepsPerEpoch, verbose));
        all.AddRange(userCallbacks ?? []);
        all.Add(History);
        foreach (var c in all) c.Model = model;
        callbacks = all.ToArray();
    }

    public History History { get; }

    public void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        foreach (var c in callbacks) c.OnTrainBegin(logs);
    }

    public void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        foreach (var c in callbacks) c.OnTrainEnd(logs);
    }

    public void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var c in callbacks) c.OnEpochBegin(epoch, logs);
    }

    public void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var c in callbacks) c.OnEpochEnd(epoch, logs);
    }

    public void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var c in callbacks) c.OnTrainBatchBegin(batch, logs);
    }

    public void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var c in callbacks) c.OnTrainBatchEnd(batch, logs);
    }
}
