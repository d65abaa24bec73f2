namespace Nabla.Data;

/// <summary>
/// A data set read one batch at a time, as Keras's <c>PyDataset</c> (<c>keras.utils.Sequence</c>): the data need not
/// fit in memory. <see cref="Model.Fit(Dataset, int, Dataset, bool, IEnumerable{Callbacks.Callback}, int, bool, int, IReadOnlyDictionary{int, double}, int?, int?, int)"/>,
/// <c>Evaluate</c> and <c>Predict</c> take one. A subclass gives <see cref="BatchCount"/> (Keras's <c>__len__</c>) and
/// <see cref="GetBatch"/> (<c>__getitem__</c>), whose batches are complete (inputs, and targets and sample weights
/// where the caller needs them); the last one may be smaller. <see cref="OnEpochBegin"/> and <see cref="OnEpochEnd"/>
/// run around every epoch of Fit (to reshuffle, for example). A dataset whose <see cref="BatchCount"/> is null is
/// endless (Keras's <c>num_batches</c> None): Fit then needs <c>stepsPerEpoch</c>, and Evaluate and Predict
/// <c>steps</c>, and its batches are read at indices 0, 1, 2… across epochs.
/// </summary>
/// <remarks>
/// With <see cref="Workers"/> above 1, Fit, Evaluate and Predict prepare up to <see cref="MaxQueueSize"/> batches
/// ahead, on that many threads, while the model trains on the current one; batches still reach the model in order.
/// <see cref="GetBatch"/> must then be safe to call from several threads at once (Nabla's shared random generator,
/// <see cref="Utils.Random"/>, is not: give each batch its own generator). With 1 (the default, as Keras's), batches
/// are read on the calling thread when the model needs them.
/// </remarks>
public abstract class Dataset
{
    /// <summary>Keras's <c>workers</c> and <c>max_queue_size</c> (defaults 1 and 10).</summary>
    protected Dataset(int workers = 1, int maxQueueSize = 10)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "A dataset needs at least 1 worker.");
        if (maxQueueSize < 1) throw new ArgumentOutOfRangeException(nameof(maxQueueSize), maxQueueSize, "The queue holds at least 1 batch.");
        Workers = workers;
        MaxQueueSize = maxQueueSize;
    }

    /// <summary>How many threads prepare batches ahead of the model (1: none, batches are read when needed).</summary>
    public int Workers { get; }

    /// <summary>How many prepared batches may wait for the model at most.</summary>
    public int MaxQueueSize { get; }

    /// <summary>The number of batches in one pass over the data; null for an endless dataset.</summary>
    public abstract int? BatchCount { get; }

    /// <summary>Batch <paramref name="index"/> (0 ≤ index &lt; <see cref="BatchCount"/>, any index ≥ 0 when endless).</summary>
    public abstract DataBatch GetBatch(int index);

    /// <summary>Whether the batches can only be read in order (a generator): Fit then reads them in order whatever its
    /// shuffle says, as Keras reads a generator.</summary>
    public virtual bool ReadsInOrder => false;

    /// <summary>Called before every epoch of Fit, before any of its batches is read.</summary>
    public virtual void OnEpochBegin() { }

    /// <summary>Called after every epoch of Fit, once its batches are all read and trained on.</summary>
    public virtual void OnEpochEnd() { }

    /// <summary>Called when Fit has read a whole pass, before <see cref="OnEpochEnd"/>: every epoch without
    /// stepsPerEpoch, less often with it. Nabla's own datasets reshuffle here, once per pass as tf.data does, where a
    /// user's dataset reshuffles in OnEpochEnd as Keras calls it.</summary>
    internal virtual void OnPassEnd() { }

    /// <summary>The dataset's own state that BackupAndRestore saves beside the batch order (Nabla's image folder: its
    /// file order and reshuffling generator); null when it keeps none.</summary>
    internal virtual string? SaveState() => null;

    /// <summary>Checks a state <see cref="SaveState"/> wrote (a <see cref="DataFormatException"/> naming
    /// <paramref name="source"/> otherwise) and returns what puts it back, so that nothing changes before every part of a
    /// backup is checked.</summary>
    internal virtual Action PrepareRestore(string state, string source) =>
        throw DataFormatException.AtField(source, "__metadata__.dataset", $"no dataset state (dataset {Describe()} keeps none)", "one");

    /// <summary>Arrays in memory as a dataset of consecutive batches of <paramref name="batchSize"/> rows (the last
    /// one smaller), like <c>tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)</c>. The batches are
    /// copies of the rows; <paramref name="y"/> and <paramref name="sampleWeight"/> are optional.</summary>
    public static Dataset FromArrays(Tensor x, Tensor? y = null, int batchSize = 32, Tensor? sampleWeight = null) =>
        new ArrayDataset([x], y is null ? null : [y], sampleWeight, batchSize);

    /// <summary><see cref="FromArrays(Tensor, Tensor, int, Tensor)"/> for several inputs or outputs (null for an output
    /// without targets).</summary>
    public static Dataset FromArrays(Tensor[] x, Tensor?[]? y = null, int batchSize = 32, Tensor? sampleWeight = null) =>
        new ArrayDataset(x, y, sampleWeight, batchSize);

    /// <summary>Batches from a generator, as Keras's <c>model.fit(generator, steps_per_epoch=…)</c>: read in order,
    /// on one thread, never shuffled; each pass calls <paramref name="generator"/> again. Without
    /// <paramref name="batchCount"/> the dataset is endless (Fit needs stepsPerEpoch, as Keras does for an endless
    /// generator) and the generator must not end; with it, a pass is that many batches.</summary>
    public static Dataset FromGenerator(Func<IEnumerable<DataBatch>> generator, int? batchCount = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (batchCount is < 1) throw new ArgumentOutOfRangeException(nameof(batchCount), batchCount, "A generator's dataset has at least 1 batch.");
        return new GeneratorDataset(generator, batchCount);
    }

    /// <summary>Batch <paramref name="index"/>, or an error naming this dataset, the index and what was wrong, when
    /// the batch is missing or its arrays disagree on the number of samples.</summary>
    internal DataBatch ReadBatch(int index)
    {
        var batch = GetBatch(index) ?? throw new InvalidOperationException($"{Describe()}.GetBatch({index}) returned null; it must return a batch.");
        batch.CheckSamples($"{Describe()}.GetBatch({index})");
        return batch;
    }

    /// <summary>The dataset's type, for messages.</summary>
    internal string Describe() => GetType().Name;
}
