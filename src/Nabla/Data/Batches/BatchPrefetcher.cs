using System.Runtime.ExceptionServices;

namespace Nabla.Data;

/// <summary>
/// Reads a dataset's batches ahead of the model, as Keras's <c>OrderedEnqueuer</c>: <see cref="Dataset.Workers"/>
/// threads read the batches at positions first, first + 1… up to end (the batch index at each position given by
/// <c>batchAt</c>), at most <see cref="Dataset.MaxQueueSize"/> ahead of the position last taken, and <see cref="Take"/>
/// hands them out in position order. A batch that failed to read
/// throws when its turn comes, not before. Dispose stops the threads and waits for them, so no read of the
/// dataset outlives the epoch that started it.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly Dataset dataset;
    private readonly Func<int, int> batchAt;
    private readonly int first, end;
    private readonly object gate = new();
    private readonly DataBatch?[] batches;
    private readonly ExceptionDispatchInfo?[] failures;
    private readonly bool[] done;
    private readonly Thread[] threads;
    private int nextToRead, taken;
    private bool stopped;

    /// <param name="batchAt">The batch index read at each position.</param>
    /// <param name="first">The first position to read.</param>
    /// <param name="end">The position after the last one to read.</param>
    public BatchPrefetcher(Dataset dataset, Func<int, int> batchAt, int first, int end)
    {
        if (first < 0 || end < first) throw new ArgumentOutOfRangeException(nameof(end), end, $"Positions {first} to {end} are not a range.");
        (this.dataset, this.batchAt, this.first, this.end) = (dataset, batchAt, first, end);
        batches = new DataBatch?[end - first];
        failures = new ExceptionDispatchInfo?[end - first];
        done = new bool[end - first];
        nextToRead = taken = first;
        threads = new Thread[Math.Min(dataset.Workers, Math.Max(1, end - first))];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Read) { IsBackground = true, Name = $"Nabla batch reader {i + 1}" };
            threads[i].Start();
        }
    }

    /// <summary>The batch at <paramref name="position"/>, waiting for it if it is not read yet; positions are taken
    /// in increasing order.</summary>
    public DataBatch Take(int position)
    {
        if (position < taken || position >= end)
            throw new InvalidOperationException($"Batch position {position} was taken already or is past the last ({end - 1}).");
        int slot = position - first;
        lock (gate)
        {
            while (!done[slot]) Monitor.Wait(gate);
            taken = position + 1;
            var batch = batches[slot];
            var failure = failures[slot];
            batches[slot] = null;
            Monitor.PulseAll(gate);
            failure?.Throw();
            return batch!;
        }
    }

    private void Read()
    {
        while (true)
        {
            int position;
            lock (gate)
            {
                while (!stopped && nextToRead < end && nextToRead >= taken + dataset.MaxQueueSize) Monitor.Wait(gate);
                if (stopped || nextToRead >= end) return;
                position = nextToRead++;
            }
            DataBatch? batch = null;
            ExceptionDispatchInfo? failure = null;
            try { batch = dataset.ReadBatch(batchAt(position)); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            lock (gate)
            {
                (batches[position - first], failures[position - first], done[position - first]) = (batch, failure, true);
                Monitor.PulseAll(gate);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopped = true;
            Monitor.PulseAll(gate);
        }
        foreach (var thread in threads) thread.Join();
    }
}
