using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// How a training step whose dense layers are split between the kernel threads applies the optimizer: each
/// thread updates the elements whose gradient it computed, and a layer may update its weights already during
/// the backward pass, right after their gradient (PyTorch's optimizer-in-backward), while it is still in cache.
/// A range of a parameter is the same range of its element-wise states, so neither changes a value; a rule that is
/// not element-wise (Adafactor) counts the ranges in and updates the whole parameter in the call that completes it.
/// </summary>
public abstract partial class Optimizer
{
    // A step begun by BeginEarlyUpdates: its scalars, computed once, serve the early and the remaining updates.
    private StepScalars openStep;
    private bool stepOpen;

    /// <summary>Whether a parameter's update may run as soon as its own gradient exists: not with clipnorm or
    /// global_clipnorm, which scale by norms of whole gradients.</summary>
    internal bool CanUpdateEarly => clipNorm is null && globalClipNorm is null;

    /// <summary>
    /// Starts a step in which <paramref name="earlyParameters"/> are updated during the backward pass, range by
    /// range, through <see cref="UpdateEarly"/>; <see cref="Apply(IReadOnlyList{Tensor}, IReadOnlyList{Shards?}?, IReadOnlyList{bool}?)"/>
    /// then updates the others and ends the step.
    /// </summary>
    internal void BeginEarlyUpdates(IReadOnlyList<Tensor> earlyParameters)
    {
        if (!CanUpdateEarly)
            throw new InvalidOperationException($"{ClassName} with clipnorm or global_clipnorm needs every gradient before any update.");
        openStep = BeginStepScalars(globalScale: 1f);
        stepOverflowed = false;
        // Created here, on the calling thread: the threads of the backward pass only read the dictionary.
        for (int p = 0; p < earlyParameters.Count; p++) StateForStep(earlyParameters[p]);
        stepOpen = true;
    }

    /// <summary>Updates elements [<paramref name="start"/>, <paramref name="end"/>) of a parameter from its gradient, in the
    /// step <see cref="BeginEarlyUpdates"/> opened. Threads may update disjoint ranges at once.</summary>
    internal void UpdateEarly(Tensor parameter, int start, int end)
    {
        if (!stepOpen) throw new InvalidOperationException("UpdateEarly outside a step begun by BeginEarlyUpdates.");
        UpdateGuarded(Pass(parameter, parameter.Grad!, openStep), states[parameter], start, end);
    }

    /// <summary>Closes a step begun by <see cref="BeginEarlyUpdates"/> without finishing it (the backward pass failed).</summary>
    internal void AbandonEarlyUpdates() => stepOpen = false;

    void Autograd.IEarlyWeightUpdate.UpdateEarly(Tensor weight, int start, int end) => UpdateEarly(weight, start, end);

    /// <summary>
    /// <see cref="Apply(IReadOnlyList{Tensor})"/>, where <paramref name="shardsOf"/>[p] (when not null) splits
    /// parameter p's elements between the kernel threads as its layer split its gradient for the step, and
    /// parameters marked in <paramref name="updatedEarly"/> were already updated by the backward pass. Returns
    /// false when the step was refused and undone (see <see cref="LastStepRefused"/>).
    /// </summary>
    internal unsafe bool Apply(IReadOnlyList<Tensor> parameters, IReadOnlyList<Shards?>? shardsOf,
        IReadOnlyList<bool>? updatedEarly = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (updatedEarly is not null && (!stepOpen || updatedEarly.Count != parameters.Count))
            throw new ArgumentException("updatedEarly needs a step begun by BeginEarlyUpdates and one flag per parameter.", nameof(updatedEarly));
        try
        {
            LastStepRefused = false;
            if (parameters.Count == 0) return true;
            ValidateGradients(parameters);
            if (shardsOf is not null) CheckShards(parameters, shardsOf);
            if (!stepOpen) stepOverflowed = false;
            var step = stepOpen ? openStep
                : BeginStepScalars(globalClipNorm is { } global ? GlobalClipScale(parameters, global) : 1f);

            // clipnorm needs each whole gradient's norm before any update: one thread then does all of it.
            int shards = clipNorm is null ? MaxShardCount(shardsOf, updatedEarly) : 1;
            if (shards > 1)
            {
                for (int p = 0; p < parameters.Count; p++)
                    if (parameters[p].Grad is not null && updatedEarly?[p] != true) StateForStep(parameters[p]);
                var job = new ShardedApply { Optimizer = this, Parameters = parameters, ShardsOf = shardsOf!, UpdatedEarly = updatedEarly, Step = step };
                WorkerPool.ForShards(shards, &UpdateShards, Unsafe.AsPointer(ref job));
            }
            else
            {
                for (int p = 0; p < parameters.Count; p++)
                {
                    var parameter = parameters[p];
                    if (parameter.Grad is { } grad && updatedEarly?[p] != true)
                        UpdateGuarded(Pass(parameter, grad, step), StateForStep(parameter), 0, parameter.Size);
                }
            }
            if (stepOverflowed)
            {
                RollBack(parameters);
                LastStepRefused = true;
                return false;
            }
            iterations++;
            return true;
        }
        finally
        {
            stepOpen = false;
        }
    }

    /// <summary>Starts a step: the rule's scalars at this learning rate, then the step's shared ones.</summary>
    private StepScalars BeginStepScalars(float globalScale)
    {
        double lr = CurrentLearningRate;
        BeginStep(lr);
        return new StepScalars(globalScale, clipValue is { } cv ? (float)cv : null, WeightDecay is { } wd ? (float)(wd * lr) : null);
    }

    private static void CheckShards(IReadOnlyList<Tensor> parameters, IReadOnlyList<Shards?> shardsOf)
    {
        if (shardsOf.Count != parameters.Count)
            throw new ArgumentException($"{shardsOf.Count} splits for {parameters.Count} parameters.", nameof(shardsOf));
        for (int p = 0; p < parameters.Count; p++)
            if (shardsOf[p] is { } split && split.Length != parameters[p].Size)
                throw new ArgumentException(
                    $"The split of parameter {Describe(parameters[p], p)} covers {split.Length} elements; the parameter has {parameters[p].Size}.",
                    nameof(shardsOf));
    }

    /// <summary>This step's gradient scale (global clipping), clip value and decay factor.</summary>
    private readonly record struct StepScalars(float GlobalScale, float? ClipValue, float? Decay);

    private ParameterPass Pass(Tensor parameter, Tensor grad, in StepScalars step)
    {
        float scale = clipNorm is { } norm ? ClipScale(grad.Data, norm) : step.GlobalScale;
        return new ParameterPass(parameter.Data, grad.Data, scale, step.ClipValue, step.Decay);
    }

    /// <summary>How many shards the remaining updates need (1: no dispatch, all on the calling thread).</summary>
    private static int MaxShardCount(IReadOnlyList<Shards?>? shardsOf, IReadOnlyList<bool>? updatedEarly)
    {
        int most = 1;
        if (shardsOf is null) return most;
        for (int p = 0; p < shardsOf.Count; p++)
            if (shardsOf[p] is { } split && updatedEarly?[p] != true) most = Math.Max(most, split.Count);
        return most;
    }

    private struct ShardedApply
    {
        public Optimizer Optimizer;
        public IReadOnlyList<Tensor> Parameters;
        public IReadOnlyList<Shards?> ShardsOf;
        public IReadOnlyList<bool>? UpdatedEarly;
        public StepScalars Step;
    }

    /// <summary>Shard s: its share of every split parameter; shard 0 also every unsplit one.</summary>
    private static unsafe void UpdateShards(int first, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<ShardedApply>(state);
        var optimizer = job.Optimizer;
        for (int shard = first; shard < end; shard++)
            for (int p = 0; p < job.Parameters.Count; p++)
            {
                var parameter = job.Parameters[p];
                if (parameter.Grad is not { } grad || job.UpdatedEarly?[p] == true) continue;
                var split = job.ShardsOf[p];
                if (split is null ? shard != 0 : shard >= split.Count) continue;
                var pass = optimizer.Pass(parameter, grad, job.Step);
                var moments = optimizer.states[parameter];
                if (split is null) optimizer.UpdateGuarded(pass, moments, 0, parameter.Size);
                else optimizer.UpdateGuarded(pass, moments, split.Start(shard), split.End(shard));
            }
    }
}
