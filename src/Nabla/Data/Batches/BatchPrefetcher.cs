using System.Runtime.ExceptionServices;

namespace Nabla.Data;

/// <summary>
/// Reads a dataset's batches ahead of the model, as Keras's <c>OrderedEnqueuer</c>: <see cref="Dataset.Workers"/>
/// threads read the batches at positions 0, 1, 2… of <c>order</c>, at most <see cref="Dataset.MaxQueueSize"/> ahead of
/// the position last taken, and <see cref="Take"/> hands them out in position order. A batch that failed to read
/// throws when its turn comes, not before. Dispose stops the threads and waits for them, so no read of the
/// dataset outlives the epoch that started it.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly Dataset dataset;
    private readonly int[] order;
    private readonly int count;
    private readonly object gate = new();
    private readonly DataBatch?[] batches;
    private readonly ExceptionDispatchInfo?[] failures;
    private readonly bool[] done;
    private readonly Thread[] threads;
    private int nextToRead, taken;
    private bool stopped;

    /// <param name="order">The batch index read at each position.</param>
    /// <param name="first">The first position to read (a resumed epoch starts later).</param>
    public BatchPrefetcher(Dataset dataset, int[] order, int first = 0)
    {
        (this.dataset, this.order, count) = (dataset, order, order.Length);
        batches = new DataBatch?[count];
        failures = new ExceptionDispatchInfo?[count];
        done = new bool[count];
        nextToRead = taken = first;
        threads = new Thread[Math.Min(dataset.Workers, Math.Max(1, count - first))];
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
        if (position < taken || position >= count)
            throw new InvalidOperationException($"Batch position {position} was taken already or is past the last ({count - 1}).");
        lock (gate)
        {
            while (!done[position]) Monitor.Wait(gate);
            taken = position + 1;
            var batch = batches[position];
            var failure = failures[position];
            batches[position] = null;
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
                while (!stopped && nextToRead < count && nextToRead >= taken + dataset.MaxQueueSize) Monitor.Wait(gate);
                if (stopped || nextToRead >= count) return;
                position = nextToRead++;
            }
            DataBatch? batch = null;
            ExceptionDispatchInfo? failure = null;
            try { batch = dataset.ReadBatch(order[position]); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            lock (gate)
            {
                (batches[position], failures[position], done[position]) = (batch, failure, true);
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
