using Nabla.Callbacks;
using Nabla.Metrics;
using Nabla.Data;

namespace Nabla;

public partial class Model
{
    /// <summary>The captured training graph used by the latest step (the doctor reads activations from it).</summary>
    public Autograd.Graph? LastTrainGraph => lastTrainStep?.Graph;

    internal CapturedStep? LastTrainStep => lastTrainStep;

    /// <summary>Whether the last training step (Fit's last batch, TrainOnBatch) was applied. False when its loss was
    /// NaN or infinite, or when its update would have made a weight or optimizer moment so; the weights and the
    /// optimizer state are then those from before it.</summary>
    public bool LastTrainStepApplied { get; private set; }

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
    /// metrics stay unweighted, as Keras's <c>metrics=</c>; Compile's <c>weightedMetrics</c> weigh samples the same way.
    /// <paramref name="validationSampleWeight"/> weighs <paramref name="validationData"/>'s samples (Keras's third
    /// element of <c>validation_data</c>); <paramref name="validationBatchSize"/> is Keras's <c>validation_batch_size</c>
    /// (default: <paramref name="batchSize"/>). <paramref name="validationFreq"/> is Keras's <c>validation_freq</c>:
    /// validate after every that many epochs only (the val_ logs are missing from the others, and monitors skip them).
    /// </summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor x, Tensor y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, bool preflight = true, int initialEpoch = 0, Tensor? sampleWeight = null,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor? validationSampleWeight = null, int? validationBatchSize = null,
        int validationFreq = 1)
    {
        EnsureCompiled(nameof(Fit));
        DataChecks.CheckPair(this, x, y, "x", "y");
        if (validationData is (Tensor vx, Tensor vy)) DataChecks.CheckPair(this, vx, vy, "validationData.x", "validationData.y");
        return FitChecked([x], [y], epochs, batchSize, validationSplit,
            validationData is (Tensor valX, Tensor valY) ? ([valX], [valY]) : null, shuffle, callbacks, verbose, preflight,
            initialEpoch, SampleWeights.ForFit(x.Shape[0], y, sampleWeight, classWeight), classWeight is null,
            validationSampleWeight, validationBatchSize, validationFreq);
    }

    /// <summary>Trains a model with several inputs or outputs: one array per input and one target array per output,
    /// in order (null for an output without a loss). See <see cref="Fit(Tensor, Tensor, int, int, double, ValueTuple{Tensor, Tensor}?, bool, IEnumerable{Callback}, int, bool, int, Tensor, IReadOnlyDictionary{int, double}, Tensor, int?, int)"/>.
    /// As in Keras, <paramref name="sampleWeight"/> weighs the samples of every output's loss, and
    /// <paramref name="sampleWeightPerOutput"/> gives each output its own (one array per output, in order; null: weight 1);
    /// <paramref name="classWeight"/> is for single-output models only (any number of inputs).</summary>
    public History Fit(Tensor[] x, Tensor?[] y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor[] x, Tensor?[] y)? validationData = null, bool shuffle = true, IEnumerable<Callback>? callbacks = null,
        int verbose = 1, bool preflight = true, int initialEpoch = 0, Tensor? sampleWeight = null,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor?[]? sampleWeightPerOutput = null,
        Tensor? validationSampleWeight = null, int? validationBatchSize = null, int validationFreq = 1)
    {
        EnsureCompiled(nameof(Fit));
        DataChecks.CheckPair(this, x, y, "x", "y");
        if (validationData is (Tensor[] vx, Tensor?[] vy)) DataChecks.CheckPair(this, vx, vy, "validationData.x", "validationData.y");
        return FitChecked(x, y, epochs, batchSize, validationSplit, validationData, shuffle, callbacks, verbose, preflight,
            initialEpoch, SampleWeightsFor(x, y, sampleWeight, sampleWeightPerOutput, classWeight), classWeight is null,
            validationSampleWeight, validationBatchSize, validationFreq);
    }

    /// <summary>Trains on data keyed by input and output names (Keras's dictionaries of arrays); <paramref name="sampleWeight"/>,
    /// keyed by output name, weighs the samples of those outputs' losses.</summary>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int epochs = 1, int batchSize = 32,
        double validationSplit = 0, (IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y)? validationData = null,
        bool shuffle = true, IEnumerable<Callback>? callbacks = null, int verbose = 1, bool preflight = true, int initialEpoch = 0,
        IReadOnlyDictionary<string, Tensor>? sampleWeight = null) =>
        Fit(ByInputName(x, "x"), ByOutputName(y, "y"), epochs, batchSize, validationSplit,
            validationData is var (vx, vy) ? (ByInputName(vx, "validationData.x"), ByOutputName(vy, "validationData.y")) : null,
            shuffle, callbacks, verbose, preflight, initialEpoch,
            sampleWeightPerOutput: sampleWeight is null ? null : ByOutputName(sampleWeight, "sampleWeight"));

    private History FitChecked(Tensor[] x, Tensor?[] y, int epochs, int batchSize, double validationSplit,
        (Tensor[] x, Tensor?[] y)? validationData, bool shuffle, IEnumerable<Callback>? callbacks, int verbose, bool preflight,
        int initialEpoch, Tensor? weights, bool validateWithWeights, Tensor? validationSampleWeight, int? validationBatchSize,
        int validationFreq)
    {
        CheckEpochs(epochs, initialEpoch);
        CheckValidationFreq(validationFreq);
        if (batchSize <= 0) throw new ArgumentException($"Fit 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        if (validationBatchSize is <= 0)
            throw new ArgumentException($"Fit 'validationBatchSize' must be positive, found {validationBatchSize}.", nameof(validationBatchSize));
        if (validationSampleWeight is not null && validationData is null)
            throw new ArgumentException(
                "Fit: 'validationSampleWeight' weighs 'validationData'; without it there is nothing to weigh (a validation split " +
                "takes its weights from 'sampleWeight').", nameof(validationSampleWeight));
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentException($"Fit 'validationSplit' must be in [0, 1), found {validationSplit}.", nameof(validationSplit));
        if (validationSplit > 0 && validationData is not null)
            throw new ArgumentException("Fit: give either 'validationSplit' or 'validationData', not both.");

        int total = x[0].Shape[0];
        int trainCount = TrainingSamples(total, validationSplit);
        if (trainCount == 0)
            throw new ArgumentException($"Fit: validationSplit {validationSplit} leaves no training samples out of {total}.");
        var validation = validationData;
        Tensor? validationWeights = null;
        if (validationData is var (givenX, givenY) && validationSampleWeight is not null)
        {
            SampleWeights.Check(givenX[0].Shape[0], validationSampleWeight, nameof(validationSampleWeight));
            validationWeights = SampleWeightsFor(givenX, givenY, validationSampleWeight, null, null);
        }
        if (validationSplit > 0)
        {
            if (trainCount == total)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {total} samples leaves no validation sample.");
            validation = (x.Select(t => Preprocessing.RowRange(t, trainCount, total)).ToArray(),
                y.Select(t => t is null ? null : Preprocessing.RowRange(t, trainCount, total)).ToArray());
            // As Keras: the split takes its share of sampleWeight; class weights apply to the training samples only.
            if (weights is not null && validateWithWeights) validationWeights = Preprocessing.RowRange(weights, trainCount, total);
        }

        // The pre-flight probe runs a batch of its own size through the model: stateful layers would refuse it or carry it.
        if (preflight && verbose > 0 && x.Length == 1 && y.Length == 1 && y[0] is not null && !CarriesStates) PrintPreflight(x[0], y[0]!);
        var metrics = CreateMetrics(y.Select(t => t?.Shape).ToArray(), y[0]?.Shape[0] ?? total, OutputShapesFor(x));
        var info = new FitInfo(epochs, (trainCount + batchSize - 1) / batchSize, batchSize, trainCount)
        {
            Targets = y, ValidationTargets = validation?.y, ValidationSplit = validationSplit, ValidationFreq = validationFreq,
        };
        Func<IReadOnlyDictionary<string, double>>? validate = validation is var (valX, valY)
            ? () => EvaluateChecked(valX, valY, validationBatchSize ?? batchSize, validationWeights) : null;
        using var feed = new ArrayFeed(this, x, y, weights, batchSize, trainCount);
        return TrainEpochs(feed, info, metrics, validate, shuffle, callbacks, verbose, initialEpoch);
    }

    /// <summary>Fit's epochs over batches from <paramref name="feed"/>: callbacks, losses, metrics and logs, the
    /// validation after each epoch, the update guard, the interrupt.</summary>
    private History TrainEpochs(FitFeed feed, FitInfo info, List<OutputMetric> metrics,
        Func<IReadOnlyDictionary<string, double>>? validate, bool shuffle, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch)
    {
        var callbackList = new CallbackList(this, callbacks, verbose, info.Epochs, feed.Batches);
        var history = callbackList.History;
        var losses = new StepLosses(this);
        var logs = new Dictionary<string, double>();

        StopTraining = false;
        bool warnedNonFinite = false;
        CurrentFit = info with { MetricDirections = metrics.ToDictionary(m => m.Key, m => m.Metric.RisesWhenBetter) };
        FitProgress = new FitProgress(feed, initialEpoch);
        // A callback (the doctor) may switch the update guard on for its run; a run that throws must not leave it on.
        bool guardBefore = Optimizer?.RefuseNonFiniteUpdates ?? false;
        try
        {
            callbackList.OnTrainBegin(logs);
            // A callback may have restored a backup (weights, optimizer, generator, order) and moved the start.
            for (int epoch = FitProgress.NextEpoch; epoch < info.Epochs && !StopTraining; epoch++)
            {
                FitProgress.NextEpoch = epoch;
                // Last epoch's values (val_loss...) must not show during this one; Clear keeps the buckets.
                logs.Clear();
                callbackList.OnEpochBegin(epoch, logs);
                feed.BeginEpoch(shuffle);
                losses.Reset();
                foreach (var m in metrics) m.Metric.Reset();
                for (int b = 0; b < feed.Batches && !StopTraining && !feed.RanOut(); b++)
                {
                    callbackList.OnTrainBatchBegin(b, logs);
                    var step = feed.Load(b);
                    if (!RunTrainStep(step) && !warnedNonFinite)
                    {
                        warnedNonFinite = true;
                        Console.Error.WriteLine(StepNotAppliedWarning(epoch, b, step.Loss!.Data[0]));
                    }
                    losses.Update(step, step.BatchSize);
                    UpdateMetrics(metrics, step);
                    WriteLogs(logs, losses, metrics);
                    callbackList.OnTrainBatchEnd(b, logs);
                    if (TrainingInterrupt.IsRequested && !StopTraining)
                    {
                        StopTraining = true;
                        Console.Error.WriteLine($"Nabla: model '{Name}': training interrupted after epoch {epoch + 1}, batch {b}.");
                    }
                }
                feed.EndEpoch();
                WriteLogs(logs, losses, metrics);
                if (validate is not null && info.ValidatesAt(epoch))
                    foreach (var (key, value) in validate())
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
            if (Optimizer is { } optimizer) optimizer.RefuseNonFiniteUpdates = guardBefore;
        }
        return history;
    }

    private static void CheckValidationFreq(int validationFreq)
    {
        if (validationFreq < 1)
            throw new ArgumentException($"Fit 'validationFreq' must be a positive number of epochs, found {validationFreq}.", nameof(validationFreq));
    }

    private static void CheckEpochs(int epochs, int initialEpoch)
    {
        if (epochs < 0) throw new ArgumentException($"Fit 'epochs' must be ≥ 0, found {epochs}.", nameof(epochs));
        if (initialEpoch < 0) throw new ArgumentException($"Fit 'initialEpoch' must be ≥ 0, found {initialEpoch}.", nameof(initialEpoch));
    }

    /// <summary>How many of <paramref name="total"/> samples train when <c>validationSplit</c> takes the last fraction
    /// for validation (rounded down, as Keras's split at int(n·(1 − split))).</summary>
    internal static int TrainingSamples(int total, double validationSplit) =>
        validationSplit > 0 ? (int)(total * (1 - validationSplit)) : total;

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

    /// <summary>Per-sample loss weights for Fit and Evaluate, or null: [N] for one output; for several, [N, outputs], one
    /// column per output, as Keras applies one sample_weight array to every output or a list/dict to each its own.</summary>
    internal Tensor? SampleWeightsFor(Tensor[] x, Tensor?[] y, Tensor? sampleWeight, Tensor?[]? perOutput,
        IReadOnlyDictionary<int, double>? classWeight)
    {
        if (sampleWeight is not null && perOutput is not null)
            throw new ArgumentException("Give either 'sampleWeight' (every output) or 'sampleWeightPerOutput', not both.", "sampleWeightPerOutput");
        if (perOutput is not null && perOutput.Length != OutputCount)
            throw new ArgumentException(
                $"'sampleWeightPerOutput' has {perOutput.Length} entries but model '{Name}' has {OutputCount} outputs ({string.Join(", ", OutputNames)}).",
                "sampleWeightPerOutput");
        int samples = x[0].Shape[0];
        if (OutputCount == 1)
            return SampleWeights.ForFit(samples, y[0]!, sampleWeight ?? perOutput?[0], classWeight);
        if (classWeight is not null)
            throw new ArgumentException(
                $"Model '{Name}' has {OutputCount} outputs: classWeight is supported for single-output models only, as in Keras; " +
                "give sampleWeight or sampleWeightPerOutput instead.", nameof(classWeight));
        if (sampleWeight is null && perOutput is null) return null;
        var columns = perOutput ?? Enumerable.Repeat(sampleWeight, OutputCount).ToArray();
        for (int o = 0; o < columns.Length; o++)
            if (columns[o] is { } column)
                SampleWeights.Check(samples, column, perOutput is null ? "sampleWeight" : $"sampleWeightPerOutput[{o}] ('{OutputNames[o]}')");
        var packed = new Tensor(samples, OutputCount);
        for (int i = 0; i < samples; i++)
            for (int o = 0; o < columns.Length; o++)
                packed.Data[i * columns.Length + o] = columns[o]?.Data[i] ?? 1f;
        return packed;
    }

    private string StepNotAppliedWarning(int epoch, int batch, float loss) =>
        $"Nabla: model '{Name}': " + (float.IsFinite(loss)
            ? $"at epoch {epoch + 1}, batch {batch} the update would have made weights or optimizer moments NaN or infinite (loss {loss}); "
            : $"the loss is {loss} at epoch {epoch + 1}, batch {batch}; ") +
        "that step and every later one with a non-finite loss or update were not applied, so the weights stay those of " +
        "the last good step. Lower the learning rate, clip gradients (clipnorm) or check the data; TerminateOnNaN stops training here.";

    private void PrintPreflight(Tensor x, Tensor y)
    {
        foreach (var warning in PreflightCheck.Warnings(this, x, y))
            Console.Error.WriteLine($"Nabla pre-flight: {warning}");
    }

    /// <summary>One optimizer step on one batch, as Keras's <c>train_on_batch</c>; returns the batch loss.
    /// Allocates nothing once a graph exists for this batch size. When the loss is NaN or infinite, or the update
    /// would make a weight or optimizer moment so, the step is not applied: weights and optimizer state stay as they
    /// were (<see cref="LastTrainStepApplied"/> is false) and the loss is returned.</summary>
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

    /// <summary>One step on the loaded batch; false when nothing was applied: its loss was not finite, or its
    /// update would have made a weight or optimizer moment not finite.</summary>
    private bool RunTrainStep(CapturedStep step)
    {
        lastTrainStep = step;
        LastTrainStepApplied = step.RunForTraining(Optimizer!) && step.FinishTraining(Optimizer!);
        return LastTrainStepApplied;
    }

    /// <summary>Updates each metric from the step's batch (<see cref="OutputMetric.Update(CapturedStep)"/>): weighted metrics
    /// take the batch's sample weights, an output's timestep mask leaves its masked steps out, and a crossentropy reads the
    /// logits behind a softmax or sigmoid output.</summary>
    private static void UpdateMetrics(List<OutputMetric> metrics, CapturedStep step)
    {
        foreach (var metric in metrics) metric.Update(step);
    }

    private static void WriteLogs(Dictionary<string, double> logs, StepLosses losses, List<OutputMetric> metrics)
    {
        losses.Write(logs);
        foreach (var m in metrics) logs[m.Key] = m.Metric.Result();
    }
}

/// <summary>
/// What a running <c>Fit</c> needs to go on from an epoch boundary besides the weights, the optimizer and the
/// generator: the order of the training samples or batches (reshuffled in place when a pass starts), the position in
/// that pass, and the next epoch's index.
/// </summary>
internal sealed class FitProgress(FitFeed feed, int nextEpoch)
{
    /// <summary>The current pass's order of samples (arrays) or batches (a dataset).</summary>
    public int[] Order => feed.Order;

    /// <summary>The position of the next batch in the current pass (not 0 between epochs only when a dataset's
    /// stepsPerEpoch leaves a pass unfinished).</summary>
    public int Position
    {
        get => feed.Position;
        set => feed.Position = value;
    }

    /// <summary>Whether this run can go on at that position of a pass (a backup is checked before anything changes).</summary>
    public bool CanResumeAt(int position) => feed.CanResumeAt(position);

    /// <summary>The dataset's own state for a backup; null when it keeps none.</summary>
    public string? DatasetState => feed.DatasetState;

    /// <summary>Checks a backed-up dataset state and returns what restores it.</summary>
    public Action PrepareDatasetRestore(string state, string source) => feed.PrepareDatasetRestore(state, source);

    public int NextEpoch { get; set; } = nextEpoch;
}

/// <summary>The shape of a running <c>Fit</c>: epochs, steps per epoch, batch size (a <see cref="Data.Dataset"/>'s first
/// batch's), training samples (null for a dataset, whose size is known only once it is read).</summary>
public sealed record FitInfo(int Epochs, int StepsPerEpoch, int BatchSize, int? TrainSamples)
{
    /// <summary>Each output's targets as Fit received them (null for an output without a loss; empty for a dataset);
    /// the first <see cref="TrainSamples"/> rows are the ones it trains on, the rest went to a validation split.</summary>
    public IReadOnlyList<Tensor?> Targets { get; init; } = [];

    /// <summary>Each output's validation targets (split off or given); null without validation data.</summary>
    public IReadOnlyList<Tensor?>? ValidationTargets { get; init; }

    /// <summary>The share of the rows split off for validation (0 when validation data were given, or none).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Keras's <c>validation_freq</c>: Fit validates after every this many epochs (epochs f, 2f…, counted from 1).</summary>
    public int ValidationFreq { get; init; } = 1;

    /// <summary>Whether Fit validates after <paramref name="epoch"/> (0-based), as Keras's <c>_should_eval</c>.</summary>
    public bool ValidatesAt(int epoch) => (epoch + 1) % ValidationFreq == 0;

    /// <summary>A dataset's Fit: its validation dataset (null without one, or on arrays, whose
    /// <see cref="ValidationTargets"/> hold the targets) and how many of its batches validate (null: all).</summary>
    public Data.Dataset? ValidationDataset { get; init; }

    /// <inheritdoc cref="ValidationDataset"/>
    public int? ValidationSteps { get; init; }

    /// <summary>Each compiled metric's history key with its <see cref="Metrics.Metric.RisesWhenBetter"/>, for the
    /// callbacks' "auto" mode.</summary>
    public IReadOnlyDictionary<string, bool?> MetricDirections { get; init; } = new Dictionary<string, bool?>();
}
