using Nabla.Callbacks;
using Nabla.Metrics;

namespace Nabla;

public abstract partial class Model
{
    /// <summary>The captured training graph used by the latest step (the doctor reads activations from it).</summary>
    public Autograd.Graph? LastTrainGraph => lastTrainStep?.Graph;

    internal CapturedStep? LastTrainStep => lastTrainStep;

    private CapturedStep? lastTrainStep;

    /// <summary>The running Fit's schedule, for callbacks that sample (the doctor); null outside Fit.</summary>
    public FitInfo? CurrentFit { get; private set; }

    /// <summary>The running Fit's sample order and epoch, which BackupAndRestore saves and restores; null outside Fit.</summary>
    internal FitProgress? FitProgress { get; private set; }

    /// <summary>Drops captured graphs after a change of layers, loss or optimizer.</summary>
    protected void InvalidateCapturedGraphs()
    {
        graphCache.Clear();
        lastTrainStep = null;
    }

    /// <summary>
    /// Trains the model, as Keras's <c>model.fit</c>: <paramref name="validationSplit"/> takes the last
    /// fraction of the samples (before shuffling) for validation; <paramref name="shuffle"/> reshuffles
    /// the training samples every epoch with Nabla's seeded generator. With <paramref name="verbose"/> on,
    /// the doctor's pre-flight checks run first and print their warnings (<paramref name="preflight"/>: false skips them).
    /// As in Keras, <paramref name="epochs"/> is the index of the last epoch and training starts at
    /// <paramref name="initialEpoch"/> (to resume a run: the progress bar then shows "Epoch 3/5"); a
    /// <see cref="BackupAndRestore"/> callback that finds a backup starts it where the backup ended.
    /// <paramref name="sampleWeight"/> (one per sample) or <paramref name="classWeight"/> (class index → weight; a class
    /// not listed weighs 1) weigh each sample's loss as Keras does (see <see cref="SampleWeights"/>); the compiled
    /// metrics stay unweighted, as Keras's <c>metrics=</c>.
    /// </summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor x, Tensor y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, bool preflight = true, int initialEpoch = 0, Tensor? sampleWeight = null,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        EnsureCompiled(nameof(Fit));
        if (epochs < 0) throw new ArgumentException($"Fit 'epochs' must be ≥ 0, found {epochs}.", nameof(epochs));
        if (initialEpoch < 0) throw new ArgumentException($"Fit 'initialEpoch' must be ≥ 0, found {initialEpoch}.", nameof(initialEpoch));
        if (batchSize <= 0) throw new ArgumentException($"Fit 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentException($"Fit 'validationSplit' must be in [0, 1), found {validationSplit}.", nameof(validationSplit));
        if (validationSplit > 0 && validationData is not null)
            throw new ArgumentException("Fit: give either 'validationSplit' or 'validationData', not both.");
        DataChecks.CheckPair(this, x, y, "x", "y");
        var weights = SampleWeights.ForFit(x.Shape[0], y, sampleWeight, classWeight);

        int total = x.Shape[0];
        int trainCount = validationSplit > 0 ? (int)(total * (1 - validationSplit)) : total;
        if (trainCount == 0)
            throw new ArgumentException($"Fit: validationSplit {validationSplit} leaves no training samples out of {total}.");
        (Tensor x, Tensor y)? validation = validationData;
        Tensor? validationWeights = null;
        if (validationSplit > 0)
        {
            if (trainCount == total)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {total} samples leaves no validation sample.");
            validation = (DataChecks.Rows(x, trainCount, total), DataChecks.Rows(y, trainCount, total));
            // As Keras: the split takes its share of sampleWeight; class weights apply to the training samples only.
            if (sampleWeight is not null) validationWeights = DataChecks.Rows(sampleWeight, trainCount, total);
        }
        else if (validation is (Tensor vx, Tensor vy)) DataChecks.CheckPair(this, vx, vy, "validationData.x", "validationData.y");

        if (preflight && verbose > 0) PrintPreflight(x, y);
        var callbackList = new CallbackList(this, callbacks, verbose, epochs, (trainCount + batchSize - 1) / batchSize);
        var history = callbackList.History;
        var metrics = CreateMetrics(y.Shape, [y.Shape[0], .. OutputShape!]);
        var lossMean = new Mean("loss");
        var logs = new Dictionary<string, double>();
        var order = new int[trainCount];
        for (int i = 0; i < order.Length; i++) order[i] = i;

        StopTraining = false;
        bool warnedNonFinite = false;
        CurrentFit = new FitInfo(epochs, (trainCount + batchSize - 1) / batchSize, batchSize, trainCount);
        FitProgress = new FitProgress(order, initialEpoch);
        try
        {
            callbackList.OnTrainBegin(logs);
            // A callback may have restored a backup (weights, optimizer, generator, order) and moved the start.
            for (int epoch = FitProgress.NextEpoch; epoch < epochs && !StopTraining; epoch++)
            {
                FitProgress.NextEpoch = epoch;
                // Last epoch's values (val_loss...) must not show during this one; Clear keeps the buckets.
                logs.Clear();
                callbackList.OnEpochBegin(epoch, logs);
                if (shuffle) Utils.Random.Shuffle(order);
                lossMean.Reset();
                foreach (var m in metrics) m.Reset();
                int batches = (trainCount + batchSize - 1) / batchSize;
                for (int b = 0; b < batches && !StopTraining; b++)
                {
                    int start = b * batchSize, count = Math.Min(batchSize, trainCount - start);
                    callbackList.OnTrainBatchBegin(b, logs);
                    var step = GetStep(StepKind.Train, count, x, y, weighted: weights is not null);
                    step.Load(x, y, order.AsSpan(start, count), weights);
                    if (!RunTrainStep(step) && !warnedNonFinite)
                    {
                        warnedNonFinite = true;
                        Console.Error.WriteLine(NonFiniteLossWarning(epoch, b, step.Loss!.Data[0]));
                    }
                    lossMean.Update(step.Loss!.Data[0], count);
                    UpdateMetrics(metrics, step);
                    WriteLogs(logs, lossMean, metrics);
                    callbackList.OnTrainBatchEnd(b, logs);
                    if (TrainingInterrupt.IsRequested && !StopTraining)
                    {
                        StopTraining = true;
                        Console.Error.WriteLine($"Nabla: model '{Name}': training interrupted after epoch {epoch + 1}, batch {b}.");
                    }
                }
                WriteLogs(logs, lossMean, metrics);
                if (validation is (Tensor valX, Tensor valY))
                    foreach (var (key, value) in EvaluateChecked(valX, valY, batchSize, validationWeights))
                        logs["val_" + key] = value;
                FitProgress.NextEpoch = epoch + 1;
                callbackList.OnEpochEnd(epoch, logs);
            }
            callbackList.OnTrainEnd(logs);
        }
        finally
        {
            CurrentFit = null;
            FitProgress = null;
        }
        return history;
    }

    private string NonFiniteLossWarning(int epoch, int batch, float loss) =>
        $"Nabla: model '{Name}': the loss is {loss} at epoch {epoch + 1}, batch {batch}; that step and every later one " +
        "with a non-finite loss were not applied, so the weights stay those of the last step with a finite loss. " +
        "Lower the learning rate, clip gradients (clipnorm) or check the data; TerminateOnNaN stops training here.";

    private void PrintPreflight(Tensor x, Tensor y)
    {
        if (PreflightCheck.Warnings is not { } check) return;
        foreach (var warning in check(this, x, y))
            Console.Error.WriteLine($"Nabla pre-flight: {warning}");
    }

    /// <summary>One optimizer step on one batch, as Keras's <c>train_on_batch</c>; returns the batch loss.
    /// Allocates nothing once a graph exists for this batch size. When the loss is NaN or infinite it is
    /// returned and the step is not applied: weights and optimizer state stay as they were.</summary>
    public double TrainOnBatch(Tensor x, Tensor y)
    {
        EnsureCompiled(nameof(TrainOnBatch));
        DataChecks.CheckPair(this, x, y, "x", "y", checkInputsFinite: false);
        var step = GetStep(StepKind.Train, x.Shape[0], x, y);
        // x is checked for NaN and ±Inf as it is copied: one pass over it instead of two.
        if (!step.LoadInputsCheckingFinite(x, 0)) DataChecks.CheckFiniteRows(x, 0, x.Shape[0], "x");
        y.Data.CopyTo(step.Y!.Data, 0);
        RunTrainStep(step);
        return step.Loss!.Data[0];
    }

    /// <summary>One step on the loaded batch; false when its loss was not finite and nothing was applied.</summary>
    private bool RunTrainStep(CapturedStep step)
    {
        bool finite = step.RunForTraining(Optimizer!);
        lastTrainStep = step;
        if (finite) step.FinishTraining(Optimizer!);
        return finite;
    }

    private static void UpdateMetrics(List<Metric> metrics, CapturedStep step)
    {
        if (metrics.Count == 0) return;
        int batch = step.BatchSize;
        foreach (var m in metrics)
            m.Update(step.Y!.Data, step.Output.Data, batch, step.Y.Size / batch, step.Output.Size / batch);
    }

    private static void WriteLogs(Dictionary<string, double> logs, Mean loss, List<Metric> metrics)
    {
        logs["loss"] = loss.Result();
        foreach (var m in metrics) logs[m.Name] = m.Result();
    }
}

/// <summary>
/// What a running <c>Fit</c> needs to go on from an epoch boundary besides the weights, the optimizer and the
/// generator: the order of the training samples (reshuffled in place every epoch) and the next epoch's index.
/// </summary>
internal sealed class FitProgress(int[] order, int nextEpoch)
{
    public int[] Order { get; } = order;

    public int NextEpoch { get; set; } = nextEpoch;
}

/// <summary>The shape of a running <c>Fit</c>: epochs, steps per epoch, batch size, training samples.</summary>
public sealed record FitInfo(int Epochs, int StepsPerEpoch, int BatchSize, int TrainSamples);
