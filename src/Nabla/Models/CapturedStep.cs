using System.Runtime.CompilerServices;
using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Kernels;
using Nabla.Layers;

namespace Nabla;

/// <summary>What a captured graph is for: training (loss and gradients), evaluation (loss), prediction.</summary>
internal enum StepKind { Train, Evaluate, Predict }

/// <summary>
/// The model's forward pass (and loss) recorded once for one batch size, then replayed on every batch:
/// the batch is copied into placeholder tensors, and the graph's ops rerun into their own buffers.
/// This is what makes a steady-state step allocation-free.
/// </summary>
internal sealed class CapturedStep
{
    /// <summary>Captures a one-input, one-output step.</summary>
    public CapturedStep(Model model, StepKind kind, int batchSize, int[] xRowShape, int[]? yRowShape, bool weighted = false)
        : this(model, kind, batchSize, [xRowShape], yRowShape is null ? null : [yRowShape], weighted)
    {
    }

    /// <param name="xRowShapes">Per-sample shape of each input.</param>
    /// <param name="yRowShapes">Per-sample shape of each output's targets (null entries: no targets for that
    /// output); null for prediction.</param>
    /// <param name="weighted">Whether each output's loss weighs each sample by its <see cref="SampleWeights"/> entry
    /// (Fit/Evaluate's sampleWeight).</param>
    public CapturedStep(Model model, StepKind kind, int batchSize, IReadOnlyList<int[]> xRowShapes, IReadOnlyList<int[]?>? yRowShapes, bool weighted = false)
    {
        Kind = kind;
        BatchSize = batchSize;
        var inputNames = model.InputNames;
        Xs = xRowShapes.Select((shape, i) => new Tensor([batchSize, .. shape])
            { IsPlaceholder = true, Name = xRowShapes.Count == 1 ? "x" : inputNames[i] }).ToArray();
        var outputNames = model.OutputNames;
        Ys = yRowShapes is null ? new Tensor?[model.OutputCount]
            : yRowShapes.Select((shape, o) => shape is null || model.Losses[o] is null ? null
                : new Tensor([batchSize, .. shape]) { IsPlaceholder = true, Name = yRowShapes.Count == 1 ? "y" : outputNames[o] }).ToArray();
        if (weighted)
            SampleWeights = outputNames.Select(name => new Tensor([batchSize])
                { IsPlaceholder = true, Name = model.OutputCount == 1 ? "sample_weight" : $"{name}_sample_weight" }).ToArray();
        bool training = kind == StepKind.Train;
        TrainableWeights = model.TrainableWeights;
        var trainable = TrainableWeights.ToHashSet(ReferenceEqualityComparer.Instance);
        constraints = model.Layers.SelectMany(layer => layer.WeightConstraints).Where(c => trainable.Contains(c.Weight)).ToArray();
        var layerOutputs = new Tensor?[model.Layers.Count];
        var activities = new List<LayerActivity>();
        // Recording runs every op once on the empty placeholders; only the replays are real steps, so that pass
        // must leave no trace: batch-norm statistics, stateful layers' states and the generator dropout draws from are
        // restored after it.
        var statistics = training ? model.NonTrainableWeights.Select(w => (Weight: w, Saved: (float[])w.Data.Clone())).ToList() : [];
        var restoreStates = model.SnapshotStates();
        using (Utils.PreserveRandomState())
            Outputs = model.Forward(Xs, training, layerOutputs, activities);
        foreach (var (weight, saved) in statistics) saved.CopyTo(weight.Data, 0);
        restoreStates?.Invoke();
        LayerOutputs = layerOutputs!;
        Activities = activities;
        if (kind == StepKind.Predict)
        {
            Graph = Outputs.Length == 1 ? new Graph(Output) : new Graph(Outputs);
            return;
        }
        OutputLosses = new Tensor?[Outputs.Length];
        Tensor? loss = null;
        for (int o = 0; o < Outputs.Length; o++)
        {
            if (Ys[o] is not { } y) continue;
            var outputLoss = model.Losses[o]!.Call(y, Outputs[o], SampleWeights?[o]);
            OutputLosses[o] = outputLoss;
            float weight = model.LossWeights[o];
            var scaled = weight == 1f ? outputLoss : Tensor.Multiply(outputLoss, Tensor.Scalar(weight));
            loss = loss is null ? scaled : Tensor.Add(loss, scaled);
        }
        if (loss is null)
            throw new ArgumentException($"Model '{model.Name}': no output has both a loss and targets, so there is nothing to train or evaluate.");
        foreach (var penalty in model.Layers.SelectMany(layer => layer.PenaltyLosses()))
            loss = Tensor.Add(loss, penalty);
        Loss = loss;
        Graph = new Graph(Loss);
        if (training)
        {
            ParameterShards = SplitDenseLayers(Graph, TrainableWeights);
            (earlyOps, UpdatedEarly) = PlanEarlyUpdates(Graph, TrainableWeights);
            // A split first layer's threads share the gathering of the batch: whole rows each, which copied
            // faster than each thread gathering its own input features (half rows).
            if (Xs.Length == 1 && X.Size * sizeof(float) >= MinSplitLoadBytes
                && Graph.Ops.OfType<ISplittableOp>().FirstOrDefault(op => ((Op)op).Inputs.Contains(X) && op.WorkShards is not null) is { } first)
                loadShards = Shards.Plan(batchSize, first.WorkShards!.Count, 1, 1);
        }
    }

    private readonly Shards? loadShards;

    /// <summary>From this batch size in bytes, the threads of a split first layer share the gathering of the batch
    /// (a 784-input batch of 128 is 400 KB; at batch 32, 100 KB, a shared gather did not pay for its dispatch).</summary>
    private const int MinSplitLoadBytes = 256 << 10;

    /// <summary>
    /// Splits every wide product (ops that are <see cref="ISplittableOp"/>)'s work between the kernel threads, and returns for each trainable weight
    /// the split its optimizer update follows (null: updated whole by the calling thread). The thread that
    /// computes a shard of a kernel's gradient then updates the same shard, step after step.
    /// </summary>
    private static Shards?[]? SplitDenseLayers(Graph graph, IReadOnlyList<Tensor> weights)
    {
        Shards?[]? result = null;
        foreach (var op in graph.Ops)
        {
            if (op is not ISplittableOp splittable || splittable.SplitWork(KernelSettings.LayerSplitThresholdMacs) is not { } split) continue;
            result ??= new Shards?[weights.Count];
            if (IndexOf(weights, op.Inputs[splittable.SplitWeightInput]) is var weight and >= 0) result[weight] = split;
        }
        return result;
    }

    /// <summary>
    /// The split layers whose weights the backward pass can update as soon as their gradient is computed (see
    /// <see cref="Optimizers.Optimizer.BeginEarlyUpdates"/>): a trainable kernel or bias that this layer alone
    /// reads, so nothing else adds to its gradient. Returns those ops and, per trainable weight, whether it is one.
    /// </summary>
    private static (ISplittableOp[] Ops, bool[] Flags) PlanEarlyUpdates(Graph graph, IReadOnlyList<Tensor> weights)
    {
        var readers = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        foreach (var op in graph.Ops)
            foreach (var input in op.Inputs.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>())
                readers[input] = readers.GetValueOrDefault(input) + 1;
        var flags = new bool[weights.Count];
        var ops = new List<ISplittableOp>();
        foreach (var op in graph.Ops)
        {
            if (op is not ISplittableOp { WorkShards: not null } split) continue;
            var early = new bool[split.EarlyUpdateInputs.Count];
            for (int e = 0; e < early.Length; e++)
            {
                var input = op.Inputs[split.EarlyUpdateInputs[e]];
                int p = IndexOf(weights, input);
                early[e] = p >= 0 && readers[input] == 1;
                if (early[e]) flags[p] = true;
            }
            split.PlanEarlyUpdates(early);
            if (early.Contains(true)) ops.Add(split);
        }
        return (ops.ToArray(), flags);
    }

    private static int IndexOf(IReadOnlyList<Tensor> weights, Tensor tensor)
    {
        for (int p = 0; p < weights.Count; p++)
            if (ReferenceEquals(weights[p], tensor)) return p;
        return -1;
    }

    private readonly ISplittableOp[] earlyOps = [];

    /// <summary>Per trainable weight, whether the backward pass updates it early when the optimizer allows.</summary>
    public IReadOnlyList<bool>? UpdatedEarly { get; }

    /// <summary>
    /// Forward and backward on the loaded batch for an optimizer step that <see cref="FinishTraining"/> completes.
    /// Split layers whose weights only they read update them already during the backward pass, while their
    /// gradients are still in cache (when the optimizer allows: not with clipnorm or global_clipnorm).
    /// Returns false, before any gradient or update, when the loss is NaN or ±Inf: such a step must not be
    /// applied, and the weights and optimizer state stay those of the last finite step.
    /// </summary>
    public bool RunForTraining(Optimizers.Optimizer optimizer)
    {
        Graph.Forward();
        if (!float.IsFinite(Loss!.Data[0])) return false;
        // With every layer frozen nothing requires a gradient: Keras trains nothing and so do we.
        if (!Loss.RequiresGrad) return true;
        earlyStep = earlyOps.Length > 0 && optimizer.CanUpdateEarly && KernelSettings.UpdateDuringBackward;
        if (earlyStep)
        {
            optimizer.BeginEarlyUpdates(EarlyParameters);
            foreach (var op in earlyOps) op.EarlyOptimizer = optimizer;
        }
        try
        {
            Graph.Backward();
        }
        catch
        {
            EndEarlyUpdates(optimizer);
            throw;
        }
        return true;
    }

    /// <summary>Updates the weights the backward pass did not, and ends the optimizer step. Returns false when the
    /// optimizer refused the step (an updated weight or moment would not have been finite) and undid it.</summary>
    public bool FinishTraining(Optimizers.Optimizer optimizer)
    {
        try
        {
            bool applied = optimizer.Apply(TrainableWeights, ParameterShards, earlyStep ? UpdatedEarly : null);
            // As Keras's optimizer: each constrained trainable weight is replaced by constraint(weight) after the step.
            if (applied)
                foreach (var (weight, constraint) in constraints) constraint.Apply(weight);
            return applied;
        }
        finally
        {
            EndEarlyUpdates(optimizer);
        }
    }

    // Nothing else that replays this graph (the doctor's probes) may update weights.
    private void EndEarlyUpdates(Optimizers.Optimizer optimizer)
    {
        if (!earlyStep) return;
        foreach (var op in earlyOps) op.EarlyOptimizer = null;
        optimizer.AbandonEarlyUpdates();
        earlyStep = false;
    }

    private bool earlyStep;

    // The trainable weights with a constraint, each with it.
    private readonly (Tensor Weight, Constraints.Constraint Constraint)[] constraints;

    private IReadOnlyList<Tensor> EarlyParameters => earlyParameters ??= TrainableWeights.Where((_, p) => UpdatedEarly![p]).ToArray();

    private Tensor[]? earlyParameters;

    /// <summary>For each of <see cref="TrainableWeights"/>, the split of its elements between threads for the
    /// optimizer (null: unsplit); null when no layer is split.</summary>
    public IReadOnlyList<Shards?>? ParameterShards { get; }

    public StepKind Kind { get; }

    public int BatchSize { get; }

    /// <summary>The data's per-sample shapes this step was captured for, when the model leaves an axis to the data
    /// (Keras's None); null otherwise. Steps are reused only for the same shapes.</summary>
    public string? DataShapes { get; init; }

    /// <summary>The weights the optimizer updates, fixed at capture (as Keras fixes them at compile).</summary>
    public IReadOnlyList<Tensor> TrainableWeights { get; }

    /// <summary>The placeholder of the first (usually only) input.</summary>
    public Tensor X => Xs[0];

    /// <summary>The targets of the first output (null for prediction, or when it has no loss).</summary>
    public Tensor? Y => Ys[0];

    /// <summary>The batch's sample weights of each output, for weighted losses; null otherwise.</summary>
    public Tensor[]? SampleWeights { get; }

    /// <summary>The first (usually only) output.</summary>
    public Tensor Output => Outputs[0];

    /// <summary>One placeholder per model input.</summary>
    public Tensor[] Xs { get; }

    /// <summary>Per output, the placeholder of its targets; null where the output has no loss, and for prediction.</summary>
    public Tensor?[] Ys { get; }

    public Tensor[] Outputs { get; }

    /// <summary>Per output, its compiled loss before weighting (null without one, and for prediction).</summary>
    public Tensor?[]? OutputLosses { get; }

    /// <summary>Each layer's output tensor inside this graph, aligned with the model's layers (the doctor reads
    /// activations here); null for a layer whose output the model does not expose (a subclassed model's).</summary>
    public IReadOnlyList<Tensor> LayerOutputs { get; }

    /// <summary>Each layer call's observation points inside this graph, in call order (see <see cref="Layer.Observe"/>).</summary>
    public IReadOnlyList<LayerActivity> Activities { get; }

    /// <summary>The scalar total loss (compiled loss plus regularization penalties); null for prediction.</summary>
    public Tensor? Loss { get; }

    public Graph Graph { get; }

    /// <summary>Copies the rows <paramref name="indices"/> of each input (and each output's targets) into the placeholders.
    /// <paramref name="sampleWeight"/> holds one row per sample and one column per output ([N] for one output).</summary>
    public unsafe void Load(Tensor[] xs, Tensor?[]? ys, ReadOnlySpan<int> indices, Tensor? sampleWeight = null)
    {
        if (SampleWeights is { } weights)
            for (int o = 0; o < weights.Length; o++)
                for (int i = 0; i < indices.Length; i++) weights[o].Data[i] = sampleWeight!.Data[indices[i] * weights.Length + o];
        if (loadShards is not null)
        {
            fixed (int* pIndices = indices)
            {
                var job = new LoadJob { Source = xs[0], Destination = X, Indices = pIndices, Shards = loadShards };
                WorkerPool.ForShards(loadShards.Count, &LoadShards, Unsafe.AsPointer(ref job));
            }
        }
        else
            for (int i = 0; i < Xs.Length; i++) CopyRows(xs[i], Xs[i], indices);
        for (int o = 0; o < Ys.Length; o++)
            if (Ys[o] is { } y) CopyRows(ys![o]!, y, indices);
    }

    private unsafe struct LoadJob
    {
        public Tensor Source, Destination;
        public int* Indices;
        public Shards Shards;
    }

    /// <summary>Shard s gathers its share of the batch rows.</summary>
    private static unsafe void LoadShards(int first, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<LoadJob>(state);
        for (int shard = first; shard < end; shard++)
        {
            var (start, count) = job.Shards[shard].GetOffsetAndLength(job.Destination.Shape[0]);
            CopyRows(job.Source, job.Destination, new ReadOnlySpan<int>(job.Indices + start, count), start);
        }
    }

    /// <summary>Copies the step's batch of consecutive rows starting at <paramref name="firstRow"/>.</summary>
    public void LoadContiguous(Tensor[] xs, Tensor?[]? ys, int firstRow, Tensor? sampleWeight = null)
    {
        if (SampleWeights is { } weights)
            for (int o = 0; o < weights.Length; o++)
                for (int i = 0; i < weights[o].Size; i++) weights[o].Data[i] = sampleWeight!.Data[(firstRow + i) * weights.Length + o];
        for (int i = 0; i < Xs.Length; i++) CopyBlock(xs[i], Xs[i], firstRow);
        for (int o = 0; o < Ys.Length; o++)
            if (Ys[o] is { } y) CopyBlock(ys![o]!, y, firstRow);
    }

    /// <summary>Loads input <paramref name="input"/>'s rows from <paramref name="firstRow"/> (prediction: no y) and
    /// returns false when one of the copied values is NaN or ±Inf, found in the same pass as the copy.</summary>
    public bool LoadInputsCheckingFinite(Tensor x, int firstRow, int input = 0)
    {
        var placeholder = Xs[input];
        int rowSize = placeholder.Size / placeholder.Shape[0];
        return Kernels.FiniteCopy.Copy(x.Data.AsSpan(firstRow * rowSize, placeholder.Size), placeholder.Data);
    }

    private static void CopyBlock(Tensor source, Tensor destination, int firstRow)
    {
        int rowSize = destination.Size / destination.Shape[0];
        source.Data.AsSpan(firstRow * rowSize, destination.Size).CopyTo(destination.Data);
    }

    /// <summary>Copies rows <paramref name="indices"/> of the source into consecutive rows of the destination,
    /// from row <paramref name="firstRow"/> on.</summary>
    private static void CopyRows(Tensor source, Tensor destination, ReadOnlySpan<int> indices, int firstRow = 0)
    {
        int rowSize = destination.Size / destination.Shape[0];
        var from = source.Data.AsSpan();
        var to = destination.Data.AsSpan(firstRow * rowSize);
        for (int i = 0; i < indices.Length; i++)
            from.Slice(indices[i] * rowSize, rowSize).CopyTo(to.Slice(i * rowSize, rowSize));
    }

    /// <summary>Forward (and, for training, backward) on the loaded batch.</summary>
    public void Run()
    {
        Graph.Forward();
        // With every layer frozen nothing requires a gradient: Keras trains nothing and so do we.
        if (Kind == StepKind.Train && Loss!.RequiresGrad) Graph.Backward();
    }
}
