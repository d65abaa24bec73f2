using Nabla.Serialization.TensorBoard;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>TensorBoard</c> callback: writes event files under <c>{logDir}/train</c> and
/// <c>{logDir}/validation</c> with Keras 3's tags. Per epoch (step = epoch index): <c>epoch_{name}</c> for
/// each training log plus <c>epoch_learning_rate</c> in train; <c>epoch_{name}</c> for each validation log
/// ("val_" removed) and <c>evaluation_{name}_vs_iterations</c> (step = optimizer iterations) in validation.
/// With an integer <c>updateFreq</c> N, <c>batch_{name}</c> every N-th batch (step = 1-based global batch).
/// With <c>histogramFreq</c> N, every N-th epoch each weight's histogram as <c>{layer}/{weight}/histogram</c>
/// ("dense/kernel/histogram"; Keras 3 uses the bare variable name, "kernel/histogram", which collides
/// between layers). Graphs, images, profiling and embeddings are not written.
/// </summary>
public sealed class TensorBoard : Callback, IDisposable
{
    private EventFileWriter? trainWriter, validationWriter;
    private long globalBatch;

    /// <param name="logDir">Keras's default is "logs".</param>
    /// <param name="histogramFreq">Epochs between weight histograms; 0 (Keras's default) writes none.</param>
    /// <param name="updateFreq">"epoch" (Keras's default) or "batch" (every batch, as Keras's "batch").</param>
    public TensorBoard(string logDir = "logs", int histogramFreq = 0, string updateFreq = "epoch")
        : this(logDir, histogramFreq, updateFreq switch
        {
            "epoch" => 0,
            "batch" => 1,
            _ => throw new ArgumentException(
                $"TensorBoard 'updateFreq' must be \"epoch\", \"batch\" or a positive number of batches, found \"{updateFreq}\".",
                nameof(updateFreq)),
        })
    {
    }

    /// <param name="updateFreq">Write <c>batch_</c> scalars every this many batches (Keras's integer <c>update_freq</c>).</param>
    public TensorBoard(int updateFreq, string logDir = "logs", int histogramFreq = 0)
        : this(logDir, histogramFreq, updateFreq > 0 ? updateFreq
            : throw new ArgumentException($"TensorBoard 'updateFreq' must be a positive number of batches, found {updateFreq}.", nameof(updateFreq)))
    {
    }

    private TensorBoard(string logDir, int histogramFreq, int batchesPerUpdate)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        if (histogramFreq < 0)
            throw new ArgumentException($"TensorBoard 'histogramFreq' must be ≥ 0, found {histogramFreq}.", nameof(histogramFreq));
        LogDir = logDir;
        HistogramFreq = histogramFreq;
        BatchesPerUpdate = batchesPerUpdate;
    }

    public string LogDir { get; }

    public int HistogramFreq { get; }

    /// <summary>Batches between <c>batch_</c> scalars; 0 when updating per epoch only.</summary>
    public int BatchesPerUpdate { get; }

    /// <summary>The latest Fit's training event file (null before training).</summary>
    public string? TrainFile { get; private set; }

    /// <summary>The latest Fit's validation event file (null when that Fit had no validation).</summary>
    public string? ValidationFile { get; private set; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        // Each Fit starts new event files, as Keras's set_model resets its writers.
        Dispose();
        globalBatch = 0;
        trainWriter = new EventFileWriter(Path.Combine(LogDir, "train"));
        TrainFile = trainWriter.Path;
        ValidationFile = null;
    }

    public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => globalBatch++;

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (BatchesPerUpdate == 0 || globalBatch % BatchesPerUpdate != 0) return;
        foreach (var (name, value) in logs) trainWriter!.WriteScalar("batch_" + name, globalBatch, value);
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var train = trainWriter ?? throw new InvalidOperationException("TensorBoard: OnEpochEnd was called before OnTrainBegin.");
        foreach (var (name, value) in logs)
            if (!name.StartsWith("val_", StringComparison.Ordinal)) train.WriteScalar("epoch_" + name, epoch, value);
        if (Model.Optimizer is { } optimizer) train.WriteScalar("epoch_learning_rate", epoch, optimizer.CurrentLearningRate);
        WriteValidation(epoch, logs);
        if (HistogramFreq > 0 && epoch % HistogramFreq == 0)
            foreach (var layer in Model.Layers)
                foreach (var weight in layer.Weights)
                    train.WriteHistogram($"{weight.Name}/histogram", epoch, weight.Data);
        train.Flush();
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => Dispose();

    /// <summary>Closes the event files (also done at the end of training).</summary>
    public void Dispose()
    {
        trainWriter?.Dispose();
        validationWriter?.Dispose();
        trainWriter = validationWriter = null;
    }

    private void WriteValidation(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        bool any = false;
        foreach (var name in logs.Keys) any |= name.StartsWith("val_", StringComparison.Ordinal);
        if (!any) return;
        if (validationWriter is null)
        {
            validationWriter = new EventFileWriter(Path.Combine(LogDir, "validation"));
            ValidationFile = validationWriter.Path;
        }
        long iterations = Model.Optimizer?.Iterations ?? globalBatch;
        // Keras writes these from on_test_end, which runs before on_epoch_end.
        foreach (var (name, value) in logs)
            if (name.StartsWith("val_", StringComparison.Ordinal))
                validationWriter.WriteScalar($"evaluation_{name[4..]}_vs_iterations", iterations, value);
        foreach (var (name, value) in logs)
            if (name.StartsWith("val_", StringComparison.Ordinal))
                validationWriter.WriteScalar("epoch_" + name[4..], epoch, value);
        validationWriter.Flush();
    }
}
