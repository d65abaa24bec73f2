namespace Nabla.Data;

/// <summary>
/// One batch of a <see cref="Dataset"/>: one array per model input, optionally one target array per output (null
/// for an output without a loss) and one weight per sample for the loss (Keras's <c>(x, y, sample_weight)</c>
/// tuple): one array for every output's loss, or, for a model with several outputs, one per output (Keras's list of
/// sample weights). Every array's first axis is the batch. A tuple <c>(x, y)</c> converts to a batch.
/// </summary>
public sealed class DataBatch
{
    /// <summary>A batch for a model with one input and one output (<paramref name="y"/> may be null where no target
    /// is needed, as in Predict).</summary>
    public DataBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null)
        : this([x], y is null ? null : [y], sampleWeight) { }

    /// <summary>A batch for a model with several inputs or outputs, in the model's input and output order.
    /// <paramref name="sampleWeightPerOutput"/>: each output's own sample weights, in output order (null entries weigh
    /// 1), instead of <paramref name="sampleWeight"/>.</summary>
    public DataBatch(Tensor[] inputs, Tensor?[]? targets = null, Tensor? sampleWeight = null, Tensor?[]? sampleWeightPerOutput = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException("A batch needs at least one input array.", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"inputs[{i}] is null.");
        Inputs = inputs;
        Targets = targets;
        if (sampleWeight is not null && sampleWeightPerOutput is not null)
            throw new ArgumentException("Give a batch either 'sampleWeight' (every output) or 'sampleWeightPerOutput', not both.", nameof(sampleWeightPerOutput));
        SampleWeight = sampleWeight;
        SampleWeightPerOutput = sampleWeightPerOutput;
    }

    /// <summary>One array per input.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>One array per output (null entries for outputs without a loss), or null when the batch has no targets.</summary>
    public Tensor?[]? Targets { get; }

    /// <summary>One loss weight per sample, for every output, or null.</summary>
    public Tensor? SampleWeight { get; }

    /// <summary>Each output's own loss weights per sample (null entries: 1), or null.</summary>
    public Tensor?[]? SampleWeightPerOutput { get; }

    /// <summary>The number of samples: the first axis of the first input.</summary>
    public int Size => Inputs[0].Rank == 0 ? 0 : Inputs[0].Shape[0];

    public static implicit operator DataBatch((Tensor x, Tensor y) batch) => new(batch.x, batch.y);

    public static implicit operator DataBatch(Tensor x) => new(x);

    /// <summary>Every array holds the same number of samples, at least one.</summary>
    internal void CheckSamples(string source)
    {
        if (Size == 0)
            throw new ArgumentException($"{source}: the batch's first input has shape {Tensor.ShapeString(Inputs[0].Shape)}; a batch needs at least one sample.");
        void Check(Tensor? t, string what)
        {
            if (t is not null && (t.Rank == 0 || t.Shape[0] != Size))
                throw new ArgumentException($"{source}: {what} has shape {Tensor.ShapeString(t.Shape)} but the batch has {Size} samples (the first input's first axis).");
        }
        for (int i = 1; i < Inputs.Length; i++) Check(Inputs[i], $"input {i}");
        if (Targets is not null)
            for (int i = 0; i < Targets.Length; i++) Check(Targets[i], $"target {i}");
        Check(SampleWeight, "the sample weight");
        if (SampleWeightPerOutput is not null)
            for (int i = 0; i < SampleWeightPerOutput.Length; i++) Check(SampleWeightPerOutput[i], $"output {i}'s sample weight");
    }
}
