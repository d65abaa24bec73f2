using Nabla.Data;

namespace Nabla;

/// <summary>
/// Where Fit's training batches come from, so that its epoch loop is written once: arrays in memory, whose rows
/// are gathered in a shuffled order (<see cref="ArrayFeed"/>), or a <see cref="Dataset"/>'s batches, read in a
/// shuffled batch order (<see cref="DatasetFeed"/>).
/// </summary>
internal abstract class FitFeed : IDisposable
{
    /// <summary>Steps per epoch; an epoch ends sooner when a dataset's pass runs out first (<see cref="RanOut"/>).</summary>
    public abstract int Batches { get; }

    /// <summary>The order of rows (arrays) or batches (a dataset) of the current pass over the data, shuffled when a
    /// pass starts and saved by BackupAndRestore.</summary>
    public abstract int[] Order { get; }

    /// <summary>Where the current pass stands: the position in <see cref="Order"/> of the next batch, 0 at the start of
    /// a pass. A pass over arrays is one epoch, so it is 0 between epochs.</summary>
    public virtual int Position
    {
        get => 0;
        set
        {
            if (value != 0) throw new InvalidOperationException($"A pass over arrays starts every epoch; position {value} cannot be resumed.");
        }
    }

    /// <summary>The dataset's own state for a backup (<see cref="Dataset.SaveState"/>); null for arrays and most datasets.</summary>
    public virtual string? DatasetState => null;

    /// <summary>Checks a backed-up dataset state and returns what restores it (<see cref="Dataset.PrepareRestore"/>).</summary>
    public virtual Action PrepareDatasetRestore(string state, string source) =>
        throw Data.DataFormatException.AtField(source, "__metadata__.dataset", "no dataset state (this run trains on arrays)", "one");

    /// <summary>Whether a resumed run can go on at <paramref name="position"/> of a pass (arrays: only at its start).</summary>
    public virtual bool CanResumeAt(int position) => position == 0;

    /// <summary>Starts an epoch: a new pass reshuffles <see cref="Order"/> with Nabla's generator when
    /// <paramref name="shuffle"/> is on.</summary>
    public abstract void BeginEpoch(bool shuffle);

    /// <summary>Whether the pass ran out of batches before this epoch's steps were all taken; it then ends the epoch.</summary>
    public virtual bool RanOut() => false;

    /// <summary>Step <paramref name="batch"/> of this epoch, loaded into its captured training step.</summary>
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

    public override void BeginEpoch(bool shuffle)
    {
        if (shuffle) Utils.Random.Shuffle(order);
    }

    public override CapturedStep Load(int batch)
    {
        int start = batch * batchSize, count = Math.Min(batchSize, trainCount - start);
        var step = model.GetStep(StepKind.Train, count, x, y, weighted: weights is not null);
        step.Load(x, y, order.AsSpan(start, count), weights);
        return step;
    }
}

/// <summary>
/// A dataset's batches, as Keras's <c>EpochIterator</c> hands them out: without <c>stepsPerEpoch</c> an epoch is one
/// pass over the batches in Order; with it, an epoch takes that many steps and the pass goes on from where the last
/// epoch left it, a new pass starting once one is used up (an epoch that runs out of batches ends there, with
/// Keras's warning). An endless dataset (no BatchCount) is read at indices 0, 1, 2… for the whole Fit. Batches are
/// read ahead by a <see cref="BatchPrefetcher"/> when the dataset has workers; the dataset's epoch hooks run around
/// each epoch.
/// </summary>
internal sealed class DatasetFeed(Model model, Dataset dataset, DatasetBatches checks, int? stepsPerEpoch) : FitFeed
{
    private readonly int? passLength = dataset.BatchCount;
    private readonly int[] order = Enumerable.Range(0, dataset.BatchCount ?? 0).ToArray();
    private BatchPrefetcher? prefetcher;
    private int position;
    private bool warnedRanOut;

    public override int Batches => stepsPerEpoch ?? passLength!.Value;

    public override int[] Order => order;

    public override string? DatasetState => dataset.SaveState();

    public override Action PrepareDatasetRestore(string state, string source) => dataset.PrepareRestore(state, source);

    public override bool CanResumeAt(int at) => at >= 0 && at < PassEnd;

    public override int Position
    {
        get => position;
        set
        {
            if (!CanResumeAt(value))
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"A pass over dataset {dataset.Describe()} has positions 0 to {PassEnd - 1}.");
            position = value;
        }
    }

    public override void BeginEpoch(bool shuffle)
    {
        if (shuffle && position == 0 && passLength is not null && !dataset.ReadsInOrder) Utils.Random.Shuffle(order);
        dataset.OnEpochBegin();
        int end = position + Math.Min(Batches, PassEnd - position);
        if (dataset.Workers > 1) prefetcher = new BatchPrefetcher(dataset, BatchAt, position, end);
    }

    public override bool RanOut()
    {
        if (position < PassEnd) return false;
        if (!warnedRanOut)
        {
            warnedRanOut = true;
            Console.Error.WriteLine(
                $"Nabla: model '{model.Name}': dataset {dataset.Describe()} ran out of batches before the epoch's {Batches} steps " +
                $"(stepsPerEpoch; a pass has {passLength} batches): the epoch ends there, and the next one starts a new pass. " +
                "Give stepsPerEpoch a value that divides the pass, or leave it out to train on whole passes.");
        }
        return true;
    }

    public override CapturedStep Load(int batch)
    {
        int index = BatchAt(position);
        var read = prefetcher is { } p ? p.Take(position) : dataset.ReadBatch(index);
        position++;
        var (x, y, weights) = checks.Check(read, index);
        var step = model.GetStep(StepKind.Train, read.Size, x, y, weighted: weights is not null);
        step.LoadContiguous(x, y, 0, weights);
        return step;
    }

    public override void EndEpoch()
    {
        StopReading();
        if (position >= PassEnd)
        {
            position = 0;
            dataset.OnPassEnd();
        }
        dataset.OnEpochEnd();
    }

    public override void Dispose() => StopReading();

    /// <summary>The position after a pass's last batch; none for an endless dataset.</summary>
    private int PassEnd => passLength ?? int.MaxValue;

    /// <summary>The batch index at a position of the pass: the shuffled order's, or the position itself when endless.</summary>
    private int BatchAt(int at) => passLength is null ? at : order[at];

    private void StopReading()
    {
        prefetcher?.Dispose();
        prefetcher = null;
    }
}
