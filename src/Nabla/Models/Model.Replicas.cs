using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// What <c>Predict</c>, <c>Evaluate</c> and training share: captured graphs checked out of a bounded pool
/// (<see cref="CapturedGraphCache"/>) for the length of a call's batches, so any number of threads may predict
/// or evaluate with one model at once. Within a call the batches run side by side on the kernel threads, each
/// chunk of batches on a replica it alone holds; each batch runs whole on one replica, so every batch's result
/// is the same whatever the thread count and whichever other calls run.
/// </summary>
public unsafe partial class Model
{
    /// <summary>Below this many input values the batches stay on the calling thread: a dispatch would cost more.</summary>
    private const int ParallelBatchesMinValues = 1 << 15;

    /// <summary>Default of <see cref="GraphCacheShapes"/>.</summary>
    public const int DefaultGraphCacheShapes = 8;

    private readonly CapturedGraphCache graphCache = new(DefaultGraphCacheShapes, DefaultGraphReplicasPerShape);

    // Recording a graph runs the layers' Call and, for training, restores their statistics after it: one at a time.
    private readonly object captureLock = new();

    /// <summary>Default of <see cref="GraphReplicasPerShape"/>: one replica per processor.</summary>
    public static int DefaultGraphReplicasPerShape => Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// How many batch shapes (what the graph is for, and the batch size) keep their captured graphs; the least
    /// recently used shape is dropped beyond it. Default <see cref="DefaultGraphCacheShapes"/>. A call with a
    /// new batch size captures its graph again (about one forward pass), so serving many batch sizes at once
    /// trades speed for memory here.
    /// </summary>
    public int GraphCacheShapes
    {
        get => graphCache.MaxShapes;
        set => graphCache.MaxShapes = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(GraphCacheShapes), value, "GraphCacheShapes must be at least 1.");
    }

    /// <summary>
    /// How many idle captured replicas each batch shape keeps for concurrent calls and for a call's own threads.
    /// More callers than this at once still get a replica each (captured for them and dropped after). Default
    /// <see cref="DefaultGraphReplicasPerShape"/>.
    /// </summary>
    public int GraphReplicasPerShape
    {
        get => graphCache.MaxReplicasPerShape;
        set => graphCache.MaxReplicasPerShape = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(GraphReplicasPerShape), value, "GraphReplicasPerShape must be at least 1.");
    }

    /// <summary>Batch shapes whose graphs the model keeps now (at most <see cref="GraphCacheShapes"/>).</summary>
    public int CachedGraphShapes => graphCache.ShapeCount;

    /// <summary>Idle graph replicas the model keeps now, over all shapes.</summary>
    public int CachedGraphReplicas => graphCache.IdleReplicaCount;

    /// <summary>A captured graph held by one caller until <see cref="ReturnStep"/>.</summary>
    internal readonly record struct StepLease(CapturedStep Step, int Generation);

    /// <summary>A replica for this shape that no other caller uses until it is given back: an idle one, or
    /// one captured now.</summary>
    internal StepLease CheckOutStep(StepKind kind, int batch, Tensor[] x, Tensor?[]? y, bool weighted = false)
    {
        DropGraphsAfterTrainableChange();
        string? shapes = DataShapesOf(x, y);
        var step = graphCache.TryCheckOut(kind, batch, weighted, shapes, out int generation);
        if (step is not null) return new StepLease(step, generation);
        lock (captureLock)
            return new StepLease(new CapturedStep(this, kind, batch, x.Select(t => t.Shape[1..]).ToArray(),
                y?.Select(t => t?.Shape[1..]).ToArray(), weighted) { DataShapes = shapes }, generation);
    }

    /// <summary>The one-input, one-output form: the arrays are made only when a graph is captured, so a
    /// steady-state step does not allocate.</summary>
    internal StepLease CheckOutStep(StepKind kind, int batch, Tensor x, Tensor? y, bool weighted = false)
    {
        DropGraphsAfterTrainableChange();
        string? shapes = HasUnknownAxes ? DataShapesOf([x], y is null ? null : [y]) : null;
        var step = graphCache.TryCheckOut(kind, batch, weighted, shapes, out int generation);
        if (step is not null) return new StepLease(step, generation);
        lock (captureLock)
            return new StepLease(new CapturedStep(this, kind, batch, x.Shape[1..], y?.Shape[1..], weighted) { DataShapes = shapes }, generation);
    }

    /// <summary>The per-sample shapes of the data, written out, when the model leaves an axis to the data (a graph captured
    /// for one sequence length must not run another); null for a model whose shapes are all known.</summary>
    private string? DataShapesOf(Tensor[] x, Tensor?[]? y)
    {
        if (!HasUnknownAxes) return null;
        // Every step of a Fit or Predict has the same shapes: the last key is reused rather than written out per step.
        if (lastDataShapes is { } last && last.Matches(x, y)) return last.Text;
        var text = new System.Text.StringBuilder();
        foreach (var t in x) text.Append(Tensor.ShapeString(t.Shape[1..])).Append(';');
        text.Append('|');
        foreach (var t in y ?? []) text.Append(t is null ? "-" : Tensor.ShapeString(t.Shape[1..])).Append(';');
        lastDataShapes = new DataShapesKey([.. x.Select(t => t.Shape)], y?.Select(t => t?.Shape).ToArray(), text.ToString());
        return lastDataShapes.Text;
    }

    // Replaced whole, never changed in place, so threads that read it while another writes it see one key or the other.
    private volatile DataShapesKey? lastDataShapes;

    /// <summary>A key written for arrays of these full shapes (the batch axis is left out of the text and of the match).</summary>
    private sealed record DataShapesKey(int[][] X, int[]?[]? Y, string Text)
    {
        public bool Matches(Tensor[] x, Tensor?[]? y)
        {
            if (x.Length != X.Length || (y is null) != (Y is null) || (y is not null && y.Length != Y!.Length)) return false;
            for (int i = 0; i < x.Length; i++)
                if (!x[i].Shape.AsSpan(1).SequenceEqual(X[i].AsSpan(1))) return false;
            for (int i = 0; y is not null && i < y.Length; i++)
                if ((y[i] is null) != (Y![i] is null) || (y[i] is { } t && !t.Shape.AsSpan(1).SequenceEqual(Y[i].AsSpan(1)))) return false;
            return true;
        }
    }

    private int trainableChangesCaptured;

    /// <summary>Captured steps list the weights to train: after a layer was frozen or unfrozen they are captured again.</summary>
    private void DropGraphsAfterTrainableChange()
    {
        int changes = TrainableChanges;
        if (changes == trainableChangesCaptured) return;
        InvalidateCapturedGraphs();
        trainableChangesCaptured = changes;
    }

    internal void ReturnStep(StepLease lease) => graphCache.Return(lease.Step, lease.Generation);

    /// <summary>The graph of a training step (training has one caller: the replica goes straight back and is
    /// the one the next step of this batch size gets).</summary>
    internal CapturedStep GetStep(StepKind kind, int batch, Tensor x, Tensor? y, bool weighted = false)
    {
        var lease = CheckOutStep(kind, batch, x, y, weighted);
        ReturnStep(lease);
        return lease.Step;
    }

    /// <inheritdoc cref="GetStep(StepKind, int, Tensor, Tensor?, bool)"/>
    internal CapturedStep GetStep(StepKind kind, int batch, Tensor[] x, Tensor?[]? y, bool weighted = false)
    {
        var lease = CheckOutStep(kind, batch, x, y, weighted);
        ReturnStep(lease);
        return lease.Step;
    }

    /// <summary>Builds the model for this per-sample shape unless built: once, when threads race to it.</summary>
    internal void BuildIfNeeded(ReadOnlySpan<int> perSample)
    {
        if (IsBuilt) return;
        lock (captureLock)
            if (!IsBuilt) Build(perSample.ToArray());
    }

    /// <summary>How many graph replicas (threads) the batches of <paramref name="x"/> get: one for a model that carries
    /// states from batch to batch, which must run in order.</summary>
    private int ReplicaCount(Tensor[] x, int batches)
    {
        if (CarriesStates) return 1;
        long values = 0;
        foreach (var t in x) values += t.Size;
        return values < ParallelBatchesMinValues ? 1 : Math.Min(KernelSettings.MaxThreads, batches);
    }

    /// <summary>The work of one <see cref="RunBatchesOnReplicas"/> call.</summary>
    private struct ReplicaJob
    {
        public Model Model;
        public StepKind Kind;
        /// <summary>One array per model input.</summary>
        public Tensor[] X;
        /// <summary>Targets per output (evaluation); null for prediction, which checks x for NaN/Inf while loading it instead.</summary>
        public Tensor?[]? Y;
        /// <summary>Per model output, receives each batch's outputs at its rows; or null.</summary>
        public float[][]? Outputs;
        /// <summary>Per model output, receives each batch's logits behind the output (its <see cref="Tensor.KerasLogits"/>'
        /// pre-activation) at its rows, or is empty where no metric reads them; or null.</summary>
        public float[][]? Logits;
        /// <summary>Receives each batch's loss (evaluation), or null.</summary>
        public float[]? Losses;
        /// <summary>Receives each batch's loss of each output at [batch * outputs + output] (evaluation), or null.</summary>
        public float[]? OutputLosses;
        public int BatchSize, Replicas;
    }

    /// <summary>Runs every batch of <paramref name="job"/>, on up to <c>Replicas</c> threads.</summary>
    private void RunBatchesOnReplicas(ref ReplicaJob job)
    {
        int total = job.X[0].Shape[0];
        int batches = (total + job.BatchSize - 1) / job.BatchSize;
        if (job.Replicas == 1)
        {
            RunBatches(0, batches, Unsafe.AsPointer(ref job));
            return;
        }
        // The replicas the threads will take, captured here once rather than by each thread as it starts.
        int fullSize = Math.Min(job.BatchSize, total);
        for (int missing = job.Replicas - graphCache.IdleCount(job.Kind, fullSize, shapes: DataShapesOf(job.X, job.Y)); missing > 0; missing--)
            ReturnStep(CheckOutStep(job.Kind, fullSize, job.X, job.Y));
        // One batch per chunk when batches are few (an even share however they fall), else a few per thread;
        // when one vCPU stalls, the other takes the remaining chunks.
        WorkerPool.For(batches, &RunBatches, Unsafe.AsPointer(ref job), job.Replicas, Math.Min(batches, 16 * job.Replicas));
    }

    /// <summary>Batches [first, end), on replicas checked out for this chunk alone.</summary>
    private static void RunBatches(int first, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<ReplicaJob>(state);
        int total = job.X[0].Shape[0];
        int fullSize = Math.Min(job.BatchSize, total);
        // Every batch but a short last one has the full size: one replica of each size serves the whole chunk.
        StepLease full = default, last = default;
        try
        {
            for (int b = first; b < end; b++)
            {
                int start = b * job.BatchSize, count = Math.Min(job.BatchSize, total - start);
                ref var lease = ref count == fullSize ? ref full : ref last;
                if (lease.Step is null) lease = job.Model.CheckOutStep(job.Kind, count, job.X, job.Y);
                var step = lease.Step;
                if (job.Y is { } y) step.LoadContiguous(job.X, y, start);
                // Checked batch by batch while copying, so the data is read once, not twice; on a NaN or ±Inf
                // the exact scan names the sample.
                else
                    for (int i = 0; i < job.X.Length; i++)
                        if (!step.LoadInputsCheckingFinite(job.X[i], start, i))
                            DataChecks.CheckFiniteRows(job.X[i], start, count, job.X.Length == 1 ? "x" : $"x['{job.Model.InputNames[i]}']");
                step.Run();
                if (job.Losses is { } losses) losses[b] = step.Loss!.Data[0];
                if (job.OutputLosses is { } outputLosses)
                    for (int o = 0; o < step.Outputs.Length; o++)
                        outputLosses[b * step.Outputs.Length + o] = step.OutputLosses![o] is { } l ? l.Data[0] : 0f;
                if (job.Outputs is { } outputs)
                    for (int o = 0; o < outputs.Length; o++) CopyRows(step.Outputs[o], count, outputs[o], start);
                if (job.Logits is { } logits)
                    for (int o = 0; o < logits.Length; o++)
                        if (logits[o].Length > 0) CopyRows(step.Outputs[o].KerasLogits!.PreActivation, count, logits[o], start);
            }
        }
        finally
        {
            if (full.Step is not null) job.Model.ReturnStep(full);
            if (last.Step is not null) job.Model.ReturnStep(last);
        }
    }

    /// <summary>A batch's <paramref name="count"/> samples of <paramref name="values"/> into <paramref name="rows"/> from sample
    /// <paramref name="start"/> on.</summary>
    private static void CopyRows(Tensor values, int count, float[] rows, int start)
    {
        int width = values.Size / count;
        values.Data.AsSpan(0, count * width).CopyTo(rows.AsSpan(start * width));
    }
}
