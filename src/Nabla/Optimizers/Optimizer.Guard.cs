using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// A step whose update would leave a weight or a moment NaN or ±Inf is not applied, even when the loss and the
/// gradients were finite (a learning rate so large that w − lr·g passes float's range). Each range is copied
/// aside just before the rule overwrites it, and its new values are checked while they are still in cache;
/// when one is not finite, every parameter the step touched is put back as it was, and
/// <see cref="Iterations"/> does not advance.
/// </summary>
public abstract partial class Optimizer
{
    // Per parameter: its weights, then each state array, as they were before the step in flight.
    private readonly Dictionary<Tensor, float[][]> stepBackups = new(ReferenceEqualityComparer.Instance);

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

    /// <summary>The backup arrays of <paramref name="parameter"/>; created with its state (see StateOf).</summary>
    private float[][] NewBackup(Tensor parameter)
    {
        var backup = new float[StateCount + 1][];
        for (int i = 0; i < backup.Length; i++) backup[i] = new float[parameter.Size];
        stepBackups.Add(parameter, backup);
        return backup;
    }

    /// <summary>Runs the update rule over [<paramref name="start"/>, <paramref name="end"/>) of one parameter,
    /// keeping the values it overwrites and noting any non-finite result.</summary>
    private void UpdateGuarded(in ParameterPass pass, Tensor parameter, float[][] state, int start, int end)
    {
        if (!RefuseNonFiniteUpdates)
        {
            UpdateParameter(pass, state, start, end);
            return;
        }
        var backup = stepBackups[parameter];
        bool finite = true;
        for (int from = start; from < end; from += GuardChunk)
        {
            int length = Math.Min(GuardChunk, end - from);
            pass.Weights.AsSpan(from, length).CopyTo(backup[0].AsSpan(from, length));
            for (int s = 0; s < state.Length; s++) state[s].AsSpan(from, length).CopyTo(backup[s + 1].AsSpan(from, length));
            UpdateParameter(pass, state, from, from + length);
            finite &= FiniteCopy.AllFinite(pass.Weights.AsSpan(from, length));
            for (int s = 0; s < state.Length; s++) finite &= FiniteCopy.AllFinite(state[s].AsSpan(from, length));
        }
        if (!finite) stepOverflowed = true;
    }

    /// <summary>Puts back, whole, every parameter this step updated: those with a gradient, each of whose elements
    /// the step copied aside before overwriting it.</summary>
    private void RollBack(IReadOnlyList<Tensor> parameters)
    {
        for (int p = 0; p < parameters.Count; p++)
        {
            var parameter = parameters[p];
            if (parameter.Grad is null) continue;
            var backup = stepBackups[parameter];
            backup[0].CopyTo(parameter.Data, 0);
            var state = states[parameter];
            for (int s = 0; s < state.Length; s++) backup[s + 1].CopyTo(state[s], 0);
        }
    }
}
