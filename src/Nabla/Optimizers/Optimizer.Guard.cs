namespace Nabla.Optimizers;

/// <summary>
/// A step whose update would leave a weight or a moment NaN or ±Inf is not applied, even when the loss and the
/// gradients were finite (a learning rate so large that w − lr·g passes float's range). Each range of the weights and
/// of their element-wise states is copied aside just before the rule overwrites it, and its new values are checked
/// while they are still in cache (states of another shape, Adafactor's r and c, are copied whole when the step begins);
/// when one is not finite, every parameter the step touched is put back as it was, and
/// <see cref="Iterations"/> does not advance.
/// </summary>
public abstract partial class Optimizer
{
    // Set by whichever thread's range produced a non-finite value; only ever set during a step.
    private volatile bool stepOverflowed;

    /// <summary>Elements per copy-update-check round: the range's weights, gradient, moments and their copies (up to
    /// 224 KB) stay in L2 between the copy, the update and the check (8192 measured faster than 1024).</summary>
    private const int GuardChunk = 8192;

    /// <summary>
    /// Whether a step whose update would make a weight or state value NaN or ±Inf is refused and undone. The guard
    /// copies each weight and moment aside before overwriting it, a second pass over them that made a batch-32 step
    /// of a 784-128-10 network 31% slower (docs/performance.md, "The divergence check"). Off by default, so an
    /// update runs in place as in Keras and PyTorch and may leave non-finite values behind; a
    /// <c>TrainingDoctor</c> turns it on for the runs it watches. Steps whose loss is not finite are refused either way.
    /// </summary>
    public bool RefuseNonFiniteUpdates { get; set; }

    /// <summary>Whether the last <see cref="Apply(IReadOnlyList{Tensor})"/> was refused because its update would
    /// have made a weight or state value non-finite (the weights and state are those from before it).</summary>
    public bool LastStepRefused { get; private set; }

    /// <summary>The state of a parameter about to be updated, with its states that are not element-wise copied aside
    /// when the guard is on (element-wise ones are copied range by range as the rule overwrites them). Called on the
    /// calling thread, before the step hands the parameter to the kernel threads or the backward pass.</summary>
    private ParameterState StateForStep(Tensor parameter)
    {
        var state = StateOf(parameter);
        if (RefuseNonFiniteUpdates) state.BackUpWholeStates();
        return state;
    }

    /// <summary>Runs the update rule over [<paramref name="start"/>, <paramref name="end"/>) of one parameter,
    /// keeping the values it overwrites and noting any non-finite result.</summary>
    private void UpdateGuarded(in ParameterPass pass, ParameterState state, int start, int end)
    {
        if (!RefuseNonFiniteUpdates)
        {
            UpdateParameter(pass, state, start, end);
            return;
        }
        bool finite = true;
        for (int from = start; from < end; from += GuardChunk)
        {
            int length = Math.Min(GuardChunk, end - from);
            state.BackUpRange(pass.Weights, from, length);
            UpdateParameter(pass, state, from, from + length);
            finite &= state.RangeIsFinite(pass.Weights, from, length);
        }
        if (!finite) stepOverflowed = true;
    }

    /// <summary>Puts back, whole, every parameter this step updated: those with a gradient, each of whose elements
    /// the step copied aside before overwriting it.</summary>
    private void RollBack(IReadOnlyList<Tensor> parameters)
    {
        for (int p = 0; p < parameters.Count; p++)
            if (parameters[p].Grad is not null) states[parameters[p]].RollBack(parameters[p].Data);
    }
}
