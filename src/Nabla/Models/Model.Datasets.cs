using Nabla.Callbacks;
using Nabla.Data;

namespace Nabla;

public partial class Model
{
    /// <summary>
    /// Trains on a <see cref="Dataset"/>'s batches, as Keras's <c>model.fit</c> on a <c>PyDataset</c>: each epoch
    /// reads every batch once, in a new random order of batches when <paramref name="shuffle"/> is on (Nabla's seeded
    /// generator; the samples inside a batch stay as the dataset gives them), between the dataset's
    /// <c>OnEpochBegin</c> and <c>OnEpochEnd</c>. The batch size is the dataset's, and there is no validation split:
    /// give <paramref name="validationData"/>, evaluated after every epoch. Batch 0 is read once more before training, as
    /// Keras reads it, to learn the shapes (and, with <paramref name="verbose"/> on, for the pre-flight checks).
    /// Batches must carry targets; a batch's sample weights, or <paramref name="classWeight"/>, weigh its losses.
    /// Every batch is checked as arrays are (shape, NaN, the targets' per-sample shape the same in every batch).
    /// <paramref name="stepsPerEpoch"/>, as Keras's <c>steps_per_epoch</c>: an epoch takes that many batches, and the
    /// pass over the dataset goes on from where the last epoch left it (a new, reshuffled pass starts once one is used
    /// up; an epoch that runs out of batches first ends there, with Keras's warning). An endless dataset needs it.
    /// <paramref name="validationSteps"/>: the validation reads only its first batches (needed when it is endless);
    /// <paramref name="validationFreq"/>: it runs after every that many epochs only (Keras's <c>validation_freq</c>).
    /// </summary>
    public History Fit(Dataset x, int epochs = 1, Dataset? validationData = null, bool shuffle = true,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, bool preflight = true, int initialEpoch = 0,
        IReadOnlyDictionary<int, double>? classWeight = null, int? stepsPerEpoch = null, int? validationSteps = null,
        int validationFreq = 1)
    {
        EnsureCompiled(nameof(Fit));
        CheckEpochs(epochs, initialEpoch);
        CheckValidationFreq(validationFreq);
        ArgumentNullException.ThrowIfNull(x);
        DatasetBatches.CheckSteps(x, stepsPerEpoch, nameof(Fit), nameof(stepsPerEpoch));
        if (validationData is not null)
        {
            DatasetBatches.CheckSteps(validationData, validationSteps, nameof(Fit), nameof(validationSteps));
            // Every epoch validates on the same batches: the warning for steps past the end is given once, here.
            validationSteps = DatasetBatches.StepsToRead(validationData, validationSteps, "Fit's validation", Name);
        }
        else if (validationSteps is not null)
            throw new ArgumentException("Fit: 'validationSteps' was given without 'validationData'.", nameof(validationSteps));
        var batches = new DatasetBatches(this, x, nameof(Fit), needsTargets: true, classWeight);
        var (firstX, firstY, _) = batches.FirstChecked;
        if (preflight && verbose > 0 && firstX.Length == 1 && firstY.Length == 1 && firstY[0] is not null && !CarriesStates)
            PrintPreflight(firstX[0], firstY[0]!);
        var metrics = CreateMetrics(firstY.Select(t => t?.Shape).ToArray(), batches.First.Size, OutputShapesFor(firstX));
        using var feed = new DatasetFeed(this, x, batches, stepsPerEpoch);
        var info = new FitInfo(epochs, feed.Batches, batches.First.Size, null)         {
            ValidationDataset = validationData, ValidationSteps = validationSteps, ValidationFreq = validationFreq,
        };
        Func<IReadOnlyDictionary<string, double>>? validate = validationData is null ? null : () => EvaluateDataset(validationData, validationSteps);
        return TrainEpochs(feed, info, metrics, validate, shuffle, callbacks, verbose, initialEpoch);
    }

    /// <summary>Loss and metrics over a <see cref="Dataset"/>'s batches in inference mode, as Keras's
    /// <c>model.evaluate</c> on a <c>PyDataset</c>; each batch needs targets, and its sample weights weigh the loss.
    /// <paramref name="steps"/>: only the first that many batches (needed when the dataset is endless).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset x, int? steps = null)
    {
        EnsureCompiled(nameof(Evaluate));
        ArgumentNullException.ThrowIfNull(x);
        DatasetBatches.CheckSteps(x, steps, nameof(Evaluate), nameof(steps));
        return EvaluateDataset(x, steps);
    }

    /// <summary>Outputs for every sample of a <see cref="Dataset"/>, in batch order, for a model with one output (any
    /// targets in the batches are ignored, as in Keras). <paramref name="steps"/>: only the first that many batches
    /// (needed when the dataset is endless).</summary>
    public Tensor Predict(Dataset x, int? steps = null)
    {
        if (OutputCount != 1)
            throw new ArgumentException(
                $"Model '{Name}' has {OutputCount} outputs ({string.Join(", ", OutputNames)}); call PredictOutputs(Dataset) to get one array per output.");
        return PredictOutputs(x, steps)[0];
    }

    /// <summary>Outputs for every sample of a <see cref="Dataset"/> (of its first <paramref name="steps"/> batches):
    /// one array per output, in output order.</summary>
    public Tensor[] PredictOutputs(Dataset x, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        DatasetBatches.CheckSteps(x, steps, nameof(Predict), nameof(steps));
        var batches = new DatasetBatches(this, x, nameof(Predict), needsTargets: false);
        var outputs = new List<Tensor[]>();
        ReadEach(x, batches, steps, (batch, index) => outputs.Add(Predict(batches.Check(batch, index).X, batch.Size)));
        return Enumerable.Range(0, OutputCount).Select(o => Concatenate(outputs.Select(batch => batch[o]).ToList())).ToArray();
    }

    /// <summary>Evaluate over a dataset (also Fit's validation after every epoch): one pass on the calling thread,
    /// the loss and metrics accumulated batch by batch.</summary>
    private Dictionary<string, double> EvaluateDataset(Dataset data, int? steps) =>
        TakingTurnsWithMetricObjects(() => EvaluateBatches(data, steps));

    private Dictionary<string, double> EvaluateBatches(Dataset data, int? steps)
    {
        var batches = new DatasetBatches(this, data, nameof(Evaluate), needsTargets: true);
        var (firstX, firstY, _) = batches.FirstChecked;
        var metrics = CreateMetrics(firstY.Select(t => t?.Shape).ToArray(), batches.First.Size, OutputShapesFor(firstX));
        var losses = new StepLosses(this);
        ReadEach(data, batches, steps, (batch, index) =>
        {
            var (x, y, weights) = batches.Check(batch, index);
            var lease = CheckOutStep(StepKind.Evaluate, batch.Size, x, y, weighted: weights is not null);
            try
            {
                lease.Step.LoadContiguous(x, y, 0, weights);
                lease.Step.Run();
                losses.Update(lease.Step, batch.Size);
                UpdateMetrics(metrics, lease.Step);
            }
            finally { ReturnStep(lease); }
        });
        var results = new Dictionary<string, double>();
        losses.Write(results);
        foreach (var m in metrics) results[m.Key] = m.Metric.Result();
        return results;
    }

    /// <summary>Every batch of <paramref name="data"/> (its first <paramref name="steps"/>) in index order, read ahead
    /// when it has workers.</summary>
    private void ReadEach(Dataset data, DatasetBatches batches, int? steps, Action<DataBatch, int> use)
    {
        int count = DatasetBatches.StepsToRead(data, steps, batches.Operation, Name);
        using var prefetcher = data.Workers > 1 ? new BatchPrefetcher(data, i => i, 0, count) : null;
        for (int i = 0; i < count; i++)
            use(prefetcher?.Take(i) ?? (i == 0 ? batches.First : data.ReadBatch(i)), i);
    }

    /// <summary>The batches' outputs stacked along the batch axis; they need one per-sample shape.</summary>
    private static Tensor Concatenate(IReadOnlyList<Tensor> parts)
    {
        for (int i = 1; i < parts.Count; i++)
            if (!parts[i].Shape.AsSpan(1).SequenceEqual(parts[0].Shape.AsSpan(1)))
                throw new ArgumentException(
                    $"Predict: batch {i}'s outputs have per-sample shape {Nabla.Layers.Layer.Describe(parts[i].Shape[1..])} but batch 0's " +
                    $"{Nabla.Layers.Layer.Describe(parts[0].Shape[1..])}; outputs of different shapes do not stack into one array (pad the inputs to one length).");
        int samples = parts.Sum(p => p.Shape[0]);
        var result = new Tensor([samples, .. parts[0].Shape[1..]]);
        int offset = 0;
        foreach (var part in parts)
        {
            part.Data.AsSpan(0, part.Size).CopyTo(result.Data.AsSpan(offset));
            offset += part.Size;
        }
        return result;
    }
}
