namespace Nabla.Data;

/// <summary>
/// Batches from a generator (<see cref="Dataset.FromGenerator"/>), as Keras's generator adapter reads a Python
/// generator: in order, on one thread, and never shuffled. A pass starts by calling the generator again; a batch asked
/// for out of order is reached by starting over (or going on) and skipping to it, which BackupAndRestore's resume in the
/// middle of a pass relies on.
/// </summary>
internal sealed class GeneratorDataset(Func<IEnumerable<DataBatch>> generator, int? batchCount) : Dataset
{
    private readonly object gate = new();
    private IEnumerator<DataBatch>? batches;
    private int next;

    public override int? BatchCount => batchCount;

    public override bool ReadsInOrder => true;

    public override DataBatch GetBatch(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index >= (batchCount ?? int.MaxValue))
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The generator's dataset has {batchCount} batches.");
        lock (gate)
        {
            if (batches is null || index < next) Restart();
            while (next < index) Advance();
            return Advance();
        }
    }

    private void Restart()
    {
        batches?.Dispose();
        batches = (generator() ?? throw new InvalidOperationException("Dataset.FromGenerator: the generator returned null instead of a sequence of batches."))
            .GetEnumerator();
        next = 0;
    }

    private DataBatch Advance()
    {
        if (!batches!.MoveNext())
            throw new InvalidOperationException(batchCount is int count
                ? $"Dataset.FromGenerator: the generator ended after {next} batches, but batchCount is {count}."
                : $"Dataset.FromGenerator: the generator ended after {next} batches; without batchCount the dataset is endless. " +
                  "Give batchCount for a generator that ends.");
        next++;
        return batches.Current;
    }
}
