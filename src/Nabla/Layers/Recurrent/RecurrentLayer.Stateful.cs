using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's stateful recurrent layers: the final states of sample i of a batch are the initial states of sample i of the
/// next call (fit, predict or evaluate), until <see cref="ResetStates"/>. Gradients do not cross from one call to the
/// next (truncated backpropagation through time, as in Keras). The states hold one row per sample, so every call has the
/// batch size of the first, which Keras asks for in <c>batch_input_shape</c>.
/// </summary>
public abstract partial class RecurrentLayer
{
    private Tensor[]? carriedStates;

    /// <summary>Keras's <c>stateful</c>: each call starts from the states the previous one ended with.</summary>
    public bool Stateful { get; }

    /// <summary>The batch size of a stateful layer's calls: the one its config declares (Keras's batch_input_shape), else
    /// its first call's; null before either.</summary>
    public int? StatefulBatchSize
    {
        get => carriedStates?[0].Shape[0] ?? declaredBatchSize;
        init => declaredBatchSize = value is null or > 0 ? value
            : throw new ArgumentException($"Layer '{Name}' ({ClassName}): a stateful batch size must be positive, found {value}.");
    }

    private int? declaredBatchSize;

    public override bool CarriesStates => Stateful;

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
        int size = declaredBatchSize ?? batch;
        carriedStates ??= [.. Enumerable.Range(0, StateCount).Select(_ => new Tensor(size, Units))];
        int expected = carriedStates[0].Shape[0];
        if (batch != expected)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) is stateful with batch size {expected} (its states hold one row per sample) but this " +
                $"call has {batch} samples: use batch size {expected} in fit, predict and evaluate, with a sample count it divides, " +
                "as Keras requires.");
        return carriedStates;
    }

    /// <summary>A stateful layer's batch size from its config's batch_shape (Keras 3) or batch_input_shape (Keras 2); null
    /// when the config leaves it open.</summary>
    private static int? DeclaredBatchSize(Config config) =>
        (config.GetIntArray("batch_shape") ?? config.GetIntArray("batch_input_shape")) is [> 0 and var size, ..] ? size : null;

    /// <summary>Keras reads a stateful layer only with its batch size: a declared input shape is written with it.</summary>
    private void WriteStatefulBatchSize(Config config)
    {
        if (Stateful && StatefulBatchSize is int size && config["batch_shape"] is List<object?> { Count: > 0 } shape) shape[0] = (long)size;
    }
}
