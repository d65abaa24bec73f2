namespace Nabla.Data;

/// <summary>Arrays in memory served as consecutive batches (<see cref="Dataset.FromArrays(Tensor, Tensor, int, Tensor)"/>).</summary>
internal sealed class ArrayDataset : Dataset
{
    private readonly Tensor[] inputs;
    private readonly Tensor?[]? targets;
    private readonly Tensor? sampleWeight;
    private readonly int batchSize, samples;

    public ArrayDataset(Tensor[] inputs, Tensor?[]? targets, Tensor? sampleWeight, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch holds at least one sample.");
        var all = new DataBatch(inputs, targets, sampleWeight);
        all.CheckSamples("Dataset.FromArrays");
        (this.inputs, this.targets, this.sampleWeight, this.batchSize, samples) = (inputs, targets, sampleWeight, batchSize, all.Size);
    }

    public override int? BatchCount => Batches;

    private int Batches => (samples + batchSize - 1) / batchSize;

    public override DataBatch GetBatch(int index)
    {
        if ((uint)index >= (uint)Batches)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Batches} batches.");
        int start = index * batchSize, end = Math.Min(samples, start + batchSize);
        return new DataBatch(inputs.Select(t => Preprocessing.RowRange(t, start, end)).ToArray(),
            targets?.Select(t => t is null ? null : Preprocessing.RowRange(t, start, end)).ToArray(),
            sampleWeight is null ? null : Preprocessing.RowRange(sampleWeight, start, end));
    }
}
