using Nabla.Data;

namespace Nabla;

/// <summary>
/// Where Fit's training batches come from, so that its epoch loop is written once: arrays in memory, whose rows
/// are gathered in a shuffled order (<see cref="ArrayFeed"/>), or a <see cref="Dataset"/>'s batches, read in a
/// shuffled batch order (<see cref="DatasetFeed"/>).
/// </summary>
internal abstract class FitFeed : IDisposable
{
    /// <summary>Batches per epoch.</summary>
    public abstract int Batches { get; }

    /// <summary>The epoch's order of rows (arrays) or batches (a dataset), shuffled in place by Fit and saved by
    /// BackupAndRestore.</summary>
    public abstract int[] Order { get; }

    public virtual void BeginEpoch() { }

    /// <summary>Batch <paramref name="batch"/> of this epoch, loaded into its captured training step.</summary>
    public abstract CapturedStep Load(int batch);

    public virtual void EndEpoch() { }

    public virtual void Dispose() { }
}

/// <summary>Rows of arrays in memory: batch b takes rows Order[b·batchSize…] of the first <c>trainCount</c>.</summary>
internal sealed class ArrayFeed(Model model, Tensor[] x, Tensor?[] y, Tensor? weights, int batchSize, int trainCount) : FitFeed
{
    private readonly int[] order = Enumerable.Range(0, trainCount).ToArray();

    public override int Batches => (trainCount + batchSize - 1) / batchSize;

    public override int[] Order => order;

    public override CapturedStep Load(int batch)
    {
        int start = batch * batchSize, count = Math.Min(batchSize, trainCount - start);
        var step = model.GetStep(StepKind.Train, count, x, y, weighted: weights is not null);
        step.Load(x, y, order.AsSpan(start, count), weights);
        return step;
    }
}

/// <summary>A dataset's batches in Order, read ahead by a <see cref="BatchPrefetcher"/> when the dataset has workers;
/// the dataset's epoch hooks run around each epoch.</summary>
internal sealed class DatasetFeed(Model model, Dataset dataset, DatasetBatches checks) : FitFeed
{
    private readonly int[] order = Enumerable.Range(0, dataset.BatchCount).ToArray();
    private BatchPrefetcher? prefetcher;

    public override int Batches => order.Length;

    public override int[] Order => order;

    public override void BeginEpoch()
    {
        dataset.OnEpochBegin();
        if (dataset.Workers > 1) prefetcher = new BatchPrefetcher(dataset, order);
    }

    public override CapturedStep Load(int batch)
    {
        var read = prefetcher is { } p ? p.Take(batch) : dataset.ReadBatch(order[batch]);
        var (x, y, weights) = checks.Check(read, order[batch]);
        var step = model.GetStep(StepKind.Train, read.Size, x, y, weighted: weights is not null);
        step.LoadContiguous(x, y, 0, weights);
        return step;
    }

    public override void EndEpoch()
    {
        StopReading();
        dataset.OnEpochEnd();
    }

    public override void Dispose() => StopReading();

    private void StopReading()
    {
        prefetcher?.Dispose();
        prefetcher = null;
    }
}
