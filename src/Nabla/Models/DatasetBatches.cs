using Nabla.Data;

namespace Nabla;

/// <summary>
/// Checks a dataset's batches for one Fit, Evaluate or Predict call: each batch's arrays against the model, as
/// arrays given whole are checked, and every batch's target shapes against the first batch's, which the metrics
/// were made for. Messages name the dataset and the batch.
/// </summary>
internal sealed class DatasetBatches
{
    private readonly Model model;
    private readonly Dataset dataset;
    private readonly string operation;
    private readonly bool needsTargets;
    private readonly IReadOnlyDictionary<int, double>? classWeight;
    private readonly int[]?[] targetShapes;

    /// <summary>Reads batch 0 (its shapes make the metrics; Keras reads it for the same reason) and checks it.</summary>
    public DatasetBatches(Model model, Dataset dataset, string operation, bool needsTargets, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        (this.model, this.dataset, this.operation, this.needsTargets, this.classWeight) = (model, dataset, operation, needsTargets, classWeight);
        if (dataset.BatchCount is < 1 and var count)
            throw new ArgumentException($"{operation}: dataset {dataset.Describe()} has {count} batches; it needs at least one.", nameof(dataset));
        First = dataset.ReadBatch(0);
        targetShapes = needsTargets && First.Targets is { } targets ? targets.Select(t => t?.Shape[1..]).ToArray() : [];
        FirstChecked = Check(First, 0);
    }

    /// <summary>The call the batches are read for ("Fit", "Evaluate", "Predict"), for messages.</summary>
    public string Operation => operation;

    /// <summary>Batch 0 as read.</summary>
    public DataBatch First { get; }

    /// <summary>Batch 0 checked: inputs, targets (empty when not needed) and sample weights.</summary>
    public (Tensor[] X, Tensor?[] Y, Tensor? Weights) FirstChecked { get; }

    /// <summary>The batch's inputs, targets and per-sample loss weights (class weights applied), or an
    /// ArgumentException naming the batch.</summary>
    public (Tensor[] X, Tensor?[] Y, Tensor? Weights) Check(DataBatch batch, int index)
    {
        // Batch 0 as read up front was checked then (Evaluate and Predict take it from here, not a second read).
        if (ReferenceEquals(batch, First) && FirstChecked.X is not null) return FirstChecked;
        string x = $"{dataset.Describe()} batch {index}: x", y = $"{dataset.Describe()} batch {index}: y";
        if (!needsTargets)
        {
            DataChecks.CheckInputs(model, batch.Inputs, x);
            return (batch.Inputs, [], null);
        }
        var targets = batch.Targets ?? throw new ArgumentException(
            $"{operation}: {dataset.Describe()}.GetBatch({index}) returned a batch without targets; {operation} needs (x, y) batches.", nameof(dataset));
        DataChecks.CheckPair(model, batch.Inputs, targets, x, y);
        for (int o = 0; o < targets.Length && o < targetShapes.Length; o++)
        {
            var shape = targets[o]?.Shape[1..];
            bool same = shape is null ? targetShapes[o] is null : targetShapes[o] is { } first && shape.AsSpan().SequenceEqual(first);
            if (!same)
                throw new ArgumentException(
                    $"{operation}: {y}[{o}] has per-sample shape {Describe(shape)} but batch 0's has {Describe(targetShapes[o])}; " +
                    "every batch's targets need one per-sample shape (pad sequences to one length).", nameof(dataset));
        }
        try
        {
            return (batch.Inputs, targets, model.SampleWeightsFor(batch.Inputs, targets, batch.SampleWeight, batch.SampleWeightPerOutput, classWeight));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{operation}: {dataset.Describe()} batch {index}: {e.Message}", nameof(dataset), e);
        }
    }

    /// <summary>Refuses a step count below 1, and an endless dataset without one (it has no end to stop at).</summary>
    public static void CheckSteps(Dataset dataset, int? steps, string operation, string argument)
    {
        if (steps is < 1)
            throw new ArgumentException($"{operation}: '{argument}' must be at least 1, found {steps}.", argument);
        if (steps is null && dataset.BatchCount is null)
            throw new ArgumentException(
                $"{operation}: dataset {dataset.Describe()} is endless (its BatchCount is null); give '{argument}', the number of batches to read.",
                argument);
    }

    /// <summary>How many batches Evaluate, Predict or a validation reads: <paramref name="steps"/>, or a whole pass. As
    /// Keras, steps beyond the dataset's end read what there is, with a warning (written here, so once per call).</summary>
    public static int StepsToRead(Dataset dataset, int? steps, string operation, string modelName)
    {
        if (dataset.BatchCount is not int count) return steps!.Value;
        if (steps is not int wanted) return count;
        if (wanted > count)
            Console.Error.WriteLine(
                $"Nabla: model '{modelName}': {operation} asked for {wanted} steps but dataset {dataset.Describe()} has {count} batches; " +
                $"it reads those {count}.");
        return Math.Min(wanted, count);
    }

    private static string Describe(int[]? shape) => shape is null ? "none" : Layers.Layer.Describe(shape);
}
