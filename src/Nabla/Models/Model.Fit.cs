using Nabla.Callbacks;
using Nabla.Metrics;

namespace Nabla;

public partial class Model
{
    // Predict keeps one replica per kernel thread, so that batches can run side by side.
    private readonly Dictionary<(StepKind kind, int batch, int replica), CapturedStep> capturedSteps = [];

    /// <summary>The captured training graph used by the latest step (the doctor reads activations from it).</summary>
    public Autograd.Graph? LastTrainGraph => lastTrainStep?.Graph;

    internal CapturedStep? LastTrainStep => lastTrainStep;

    private CapturedStep? lastTrainStep;

    /// <summary>The running Fit's schedule, for callbacks that sample (the doctor); null outside Fit.</summary>
    public FitInfo? CurrentFit { get; private set; }

    /// <summary>Drops captured graphs after a change of layers, loss or optimizer.</summary>
    protected void InvalidateCapturedGraphs()
    {
        capturedSteps.Clear();
        lastTrainStep = null;
    }

    /// <summary>
    /// Trains the model, as Keras's <c>model.fit</c>: <paramref name="validationSplit"/> takes the last
    /// fraction of the samples (before shuffling) for validation; <paramref name="shuffle"/> reshuffles
    /// the training samples every epoch with Nabla's seeded generator. With <paramref name="verbose"/> on,
    /// the doctor's pre-flight checks run first and print their warnings (<paramref name="preflight"/>: false skips them).
    /// </summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor x, Tensor y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, bool preflight = true)
    {
        EnsureCompiled(nameof(Fit));
        DataChecks.CheckPair(this, x, y, "x", "y");
        if (validationData is (Tensor vx, Tensor vy)) DataChecks.CheckPair(this, vx, vy, "validationData.x", "validationData.y");
        return FitChecked([x], [y], epochs, batchSize, validationSplit,
            validationData is (Tensor valX, Tensor valY) ? ([valX], [valY]) : null, shuffle, callbacks, verbose, preflight);
    }

    /// <summary>Trains a model with several inputs or outputs: one array per input and one target array per output,
    /// in order (null for an output without a loss). See <see cref="Fit(Tensor, Tensor, int, int, double, ValueTuple{Tensor, Tensor}?, bool, IEnumerable{Callback}, int, bool)"/>.</summary>
    public History Fit(Tensor[] x, Tensor?[] y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor[] x, Tensor?[] y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, bool preflight = true)
    {
        EnsureCompiled(nameof(Fit));
        DataChecks.CheckPair(this, x, y, "x", "y");
        if (validationData is (Tensor[] vx, Tensor?[] vy)) DataChecks.CheckPair(this, vx, vy, "validationData.x", "validationData.y");
        return FitChecked(x, y, epochs, batchSize, validationSplit, validationData, shuffle, callbacks, verbose, preflight);
    }

    /// <summary>Trains on data keyed by input and output names (Keras's dictionaries of arrays).</summary>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int epochs = 1, int batchSize = 32,
        double validationSplit = 0, (IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y)? validationData = null,
        bool shuffle = true, IEnumerable<Callback>? callbacks = null, int verbose = 1, bool preflight = true) =>
        Fit(ByInputName(x, "x"), ByOutputName(y, "y"), epochs, batchSize, validationSplit,
            validationData is var (vx, vy) ? (ByInputName(vx, "validationData.x"), ByOutputName(vy, "validationData.y")) : null,
            shuffle, callbacks, verbose, preflight);

    private History FitChecked(Tensor[] x, Tensor?[] y, int epochs, int batchSize, double validationSplit,
        (Tensor[] x, Tensor?[] y)? validationData, bool shuffle, IEnumerable<Callback>? callbacks, int verbose, bool preflight)
    {
        if (epochs < 0) throw new ArgumentException($"Fit 'epochs' must be ≥ 0, found {epochs}.", nameof(epochs));
        if (batchSize <= 0) throw new ArgumentException($"Fit 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentException($"Fit 'validationSplit' must be in [0, 1), found {validationSplit}.", nameof(validationSplit));
        if (validationSplit > 0 && validationData is not null)
            throw new ArgumentException("Fit: give either 'validationSplit' or 'validationData', not both.");

        int total = x[0].Shape[0];
        int trainCount = validationSplit > 0 ? (int)(total * (1 - validationSplit)) : total;
        if (trainCount == 0)
            throw new ArgumentException($"Fit: validationSplit {validationSplit} leaves no training samples out of {total}.");
        var validation = validationData;
        if (validationSplit > 0)
        {
            if (trainCount == total)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {total} samples leaves no validation sample.");
            validation = (x.Select(t => DataChecks.Rows(t, trainCount, total)).ToArray(),
                y.Select(t => t is null ? null : DataChecks.Rows(t, trainCount, total)).ToArray());
        }

        if (preflight && verbose > 0 && x.Length == 1 && y.Length == 1 && y[0] is not null) PrintPreflight(x[0], y[0]!);
        var callbackList = new CallbackList(this, callbacks, verbose, epochs, (trainCount + batchSize - 1) / batchSize);
        var history = callbackList.History;
        var metrics = CreateMetrics(y.Select(t => t?.Shape).ToArray(), y[0]?.Shape[0] ?? total);
        var losses = new StepLosses(this);
        var logs = new Dictionary<string, double>();
        var order = new int[trainCount];
        for (int i = 0; i < order.Length; i++) order[i] = i;

        StopTraining = false;
        CurrentFit = new FitInfo(epochs, (trainCount + batchSize - 1) / batchSize, batchSize, trainCount);
        try
        {
            callbackList.OnTrainBegin(logs);
            for (int epoch = 0; epoch < epochs && !StopTraining; epoch++)
            {
                // Last epoch's values (val_loss...) must not show during this one; Clear keeps the buckets.
                logs.Clear();
                callbackList.OnEpochBegin(epoch, logs);
                if (shuffle) Utils.Random.Shuffle(order);
                losses.Reset();
                foreach (var m in metrics) m.Metric.Reset();
                int batches = (trainCount + batchSize - 1) / batchSize;
                for (int b = 0; b < batches && !StopTraining; b++)
                {
                    int start = b * batchSize, count = Math.Min(batchSize, trainCount - start);
                    callbackList.OnTrainBatchBegin(b, logs);
                    var step = GetStep(StepKind.Train, count, x, y);
                    step.Load(x, y, order.AsSpan(start, count));
                    RunTrainStep(step);
                    losses.Update(step, count);
                    UpdateMetrics(metrics, step);
                    WriteLogs(logs, losses, metrics);
                    callbackList.OnTrainBatchEnd(b, logs);
                }
                WriteLogs(logs, losses, metrics);
                if (validation is var (valX, valY))
                    foreach (var (key, value) in EvaluateChecked(valX, valY, batchSize))
                        logs["val_" + key] = value;
                callbackList.OnEpochEnd(epoch, logs);
            }
            callbackList.OnTrainEnd(logs);
        }
        finally
        {
            CurrentFit = null;
        }
        return history;
    }

    /// <summary>Arrays keyed by input name, in the model's input order; an unknown or missing name is an error.</summary>
    private Tensor[] ByInputName(IReadOnlyDictionary<string, Tensor> data, string argument) =>
        ByName(data, InputNames, "input", argument, required: true)!;

    /// <summary>Target arrays keyed by output name, in output order; an output without a loss may be missing.</summary>
    private Tensor?[] ByOutputName(IReadOnlyDictionary<string, Tensor> data, string argument) =>
        ByName(data, OutputNames, "output", argument, required: false);

    private Tensor?[] ByName(IReadOnlyDictionary<string, Tensor> data, IReadOnlyList<string> names, string kind, string argument, bool required)
    {
        ArgumentNullException.ThrowIfNull(data, argument);
        foreach (var key in data.Keys)
            if (!names.Contains(key))
                throw new ArgumentException(
                    $"'{argument}' has the key '{key}', which is not an {kind} of model '{Name}' ({kind}s: {string.Join(", ", names)}).", argument);
        var result = new Tensor?[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (data.TryGetValue(names[i], out var t)) result[i] = t;
            else if (required)
                throw new ArgumentException($"'{argument}' has no array for the {kind} '{names[i]}' of model '{Name}'.", argument);
        }
        return result;
    }

    private void PrintPreflight(Tensor x, Tensor y)
    {
        if (PreflightCheck.Warnings is not { } check) return;
        foreach (var warning in check(this, x, y))
            Console.Error.WriteLine($"Nabla pre-flight: {warning}");
    }

    /// <summary>One optimizer step on one batch, as Keras's <c>train_on_batch</c>; returns the batch loss.
    /// Allocates nothing once a graph exists for this batch size.</summary>
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

    /// <summary><see cref="TrainOnBatch(Tensor, Tensor)"/> for several inputs or outputs; returns the total loss.</summary>
    public double TrainOnBatch(Tensor[] x, Tensor?[] y)
    {
        EnsureCompiled(nameof(TrainOnBatch));
        DataChecks.CheckPair(this, x, y, "x", "y");
        var step = GetStep(StepKind.Train, x[0].Shape[0], x, y);
        step.LoadContiguous(x, y, 0);
        RunTrainStep(step);
        return step.Loss!.Data[0];
    }

    private void RunTrainStep(CapturedStep step)
    {
        step.RunForTraining(Optimizer!);
        lastTrainStep = step;
        step.FinishTraining(Optimizer!);
    }

    internal CapturedStep GetStep(StepKind kind, int batch, Tensor x, Tensor? y, int replica = 0)
    {
        if (!capturedSteps.TryGetValue((kind, batch, replica), out var step))
        {
            step = new CapturedStep(this, kind, batch, x.Shape[1..], y?.Shape[1..]);
            capturedSteps[(kind, batch, replica)] = step;
        }
        return step;
    }

    internal CapturedStep GetStep(StepKind kind, int batch, Tensor[] x, Tensor?[]? y, int replica = 0)
    {
        if (!capturedSteps.TryGetValue((kind, batch, replica), out var step))
        {
            step = new CapturedStep(this, kind, batch, x.Select(t => t.Shape[1..]).ToArray(), y?.Select(t => t?.Shape[1..]).ToArray());
            capturedSteps[(kind, batch, replica)] = step;
        }
        return step;
    }

    private static void UpdateMetrics(List<OutputMetric> metrics, CapturedStep step)
    {
        int batch = step.BatchSize;
        foreach (var (output, metric, _) in metrics)
        {
            var (y, prediction) = (step.Ys[output]!, step.Outputs[output]);
            metric.Update(y.Data, prediction.Data, batch, y.Size / batch, prediction.Size / batch);
        }
    }

    private static void WriteLogs(Dictionary<string, double> logs, StepLosses losses, List<OutputMetric> metrics)
    {
        losses.Write(logs);
        foreach (var m in metrics) logs[m.Key] = m.Metric.Result();
    }
}

/// <summary>The shape of a running <c>Fit</c>: epochs, steps per epoch, batch size, training samples.</summary>
public sealed record FitInfo(int Epochs, int StepsPerEpoch, int BatchSize, int TrainSamples);
