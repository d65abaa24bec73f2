using Nabla.Data;

namespace Nabla.Tests.TestSupport;

/// <summary>A dataset of arrays' batches that records what Fit, Evaluate and Predict ask of it: "get i" for every read
/// (from any thread), "begin" and "end" for the epoch hooks. <paramref name="failAt"/>: the batch whose read throws.
/// <paramref name="endless"/>: no BatchCount, batch i being the arrays' batch i modulo their number.</summary>
internal sealed class RecordingDataset(Tensor x, Tensor y, int batchSize, int workers = 1, int failAt = -1, bool endless = false)
    : Dataset(workers, maxQueueSize: 2)
{
    private readonly Dataset inner = FromArrays(x, y, batchSize);
    public readonly List<string> Calls = [];
    public int Reads;

    public override int? BatchCount => endless ? null : inner.BatchCount;

    public override DataBatch GetBatch(int index)
    {
        Interlocked.Increment(ref Reads);
        lock (Calls) Calls.Add($"get {index}");
        if (index == failAt) throw new IOException($"batch {index} is unreadable");
        return inner.GetBatch(endless ? index % inner.BatchCount!.Value : index);
    }

    public override void OnEpochBegin()
    {
        lock (Calls) Calls.Add("begin");
    }

    public override void OnEpochEnd()
    {
        lock (Calls) Calls.Add("end");
    }

    /// <summary>The batch indices read in each epoch, between its "begin" and "end" (the reads before the first
    /// "begin", batch 0 for the shapes, left out).</summary>
    public List<int[]> EpochReads()
    {
        var epochs = new List<int[]>();
        for (int i = Calls.IndexOf("begin"); i >= 0 && i < Calls.Count; i = Calls.IndexOf("begin", i + 1))
        {
            int end = Calls.IndexOf("end", i);
            epochs.Add(Calls[(i + 1)..end].Select(c => int.Parse(c[4..])).ToArray());
        }
        return epochs;
    }
}
