namespace Nabla.Layers;

/// <summary>
/// Keras's stateful recurrent layers: the final states of sample i of a batch are the initial states of sample i of the
/// next call (fit, predict or evaluate), until <see cref="ResetStates"/>. Gradients do not cross from one call to the
/// next (truncated backpropagation through time, as in Keras). The states hold one row per sample, so every call has the
/// batch size of the first, which Keras asks for in the model's input declaration (the InputLayer's <c>batch_shape</c>, a
/// first layer's <c>batch_input_shape</c>). The states are not weights: Keras 3 creates them outside its variable tracking
/// (rnn.py, <c>_create_state_variables</c>), so its weight files do not hold them, and Nabla's neither.
/// </summary>
public abstract partial class RecurrentLayer
{
    private Tensor[]? carriedStates;

    /// <summary>Keras's <c>stateful</c>: each call starts from the states the previous one ended with.</summary>
    public bool Stateful { get; }

    /// <summary>The batch size of a stateful layer's calls: the one it was given (its config's batch_input_shape, or its
    /// model's input declaration), else its first call's; null before either.</summary>
    public int? StatefulBatchSize
    {
        get => carriedStates?[0].Shape[0] ?? boundBatchSize;
        init => boundBatchSize = value is null or > 0 ? value
            : throw new ArgumentException($"Layer '{Name}' ({ClassName}): a stateful batch size must be positive, found {value}.");
    }

    private int? boundBatchSize;

    public override bool CarriesStates => Stateful;

    internal override int? CarriedBatchSize => Stateful ? StatefulBatchSize : null;

    internal override void BindBatchSize(int batchSize)
    {
        if (!Stateful) return;
        if (StatefulBatchSize is int bound && bound != batchSize)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) is stateful with batch size {bound}, but its model's input declares batch size {batchSize}.");
        boundBatchSize = batchSize;
    }

    /// <summary>Copies of the states the next call of a stateful layer starts from (h, then an LSTM's c, each
    /// [batch, units]); null before its first call, and for a layer that is not stateful.</summary>
    public IReadOnlyList<Tensor>? States =>
        carriedStates?.Select(s => Tensor.FromArray((float[])s.Data.Clone(), s.Shape)).ToArray();

    /// <summary>Keras's <c>reset_states()</c>: the next call starts from zeros.</summary>
    public override void ResetStates()
    {
        if (carriedStates is null) return;
        foreach (var state in carriedStates) Array.Clear(state.Data);
    }

    internal override Action? SnapshotStates()
    {
        if (!Stateful) return null;
        // States a recorded pass makes for the first time start from zeros; existing ones are put back as they were.
        if (carriedStates is null) return ResetStates;
        var states = carriedStates;
        var saved = states.Select(s => (float[])s.Data.Clone()).ToArray();
        return () => { for (int k = 0; k < states.Length; k++) saved[k].CopyTo(states[k].Data, 0); };
    }

    /// <summary>The states a stateful call on <paramref name="batch"/> sequences starts from, made at the first call; the
    /// op writes the final ones back into them.</summary>
    private Tensor[] CarriedStatesFor(int batch, IReadOnlyList<Tensor> initialState)
    {
        if (initialState.Count > 0)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) is stateful: each call starts from the states the last one ended with, so it takes no initial_state.");
        int size = boundBatchSize ?? batch;
        carriedStates ??= [.. Enumerable.Range(0, StateCount).Select(_ => new Tensor(size, Units))];
        int expected = carriedStates[0].Shape[0];
        if (batch != expected)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) is stateful with batch size {expected} (its states hold one row per sample) but this " +
                $"call has {batch} samples: use batch size {expected} in fit, predict and evaluate, with a sample count it divides, " +
                "as Keras requires.");
        return carriedStates;
    }
}
