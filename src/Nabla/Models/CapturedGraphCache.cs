namespace Nabla;

/// <summary>
/// The model's captured graphs, by what they are for, their batch size, whether they weigh samples and, for a model with
/// an axis the data decides (Keras's None), the data's per-sample shapes: a bounded pool of interchangeable
/// replicas per shape. A replica is checked out by one caller at a time and given back after its batches, so
/// concurrent <c>Predict</c>/<c>Evaluate</c> calls never share buffers. The least recently used shape is
/// dropped past <see cref="MaxShapes"/>, and at most <see cref="MaxReplicasPerShape"/> idle replicas are kept
/// per shape (a replica given back to a full pool is dropped), so the memory kept is bounded whatever the
/// batch sizes and the number of calling threads.
/// </summary>
/// <remarks>Checking out and giving back allocate nothing once the shape's pool exists (a training step relies on it).</remarks>
internal sealed class CapturedGraphCache
{
    private readonly object sync = new();
    private readonly Dictionary<(StepKind Kind, int Batch, bool Weighted, string? Shapes), LinkedListNode<ShapePool>> pools = [];
    // Most recently used first; the last node is evicted.
    private readonly LinkedList<ShapePool> recency = new();
    private int maxShapes, maxReplicasPerShape;
    // Bumped by Clear: a replica captured before it (other layers, loss or optimizer) is never given out again.
    private int generation;

    public CapturedGraphCache(int maxShapes, int maxReplicasPerShape)
    {
        this.maxShapes = maxShapes;
        this.maxReplicasPerShape = maxReplicasPerShape;
    }

    private sealed class ShapePool((StepKind, int, bool, string?) key, int capacity)
    {
        public readonly (StepKind Kind, int Batch, bool Weighted, string? Shapes) Key = key;
        public CapturedStep[] Idle = new CapturedStep[capacity];
        public int IdleCount;
    }

    /// <summary>How many batch shapes (kind and batch size) keep replicas.</summary>
    public int MaxShapes
    {
        get { lock (sync) return maxShapes; }
        set { lock (sync) { maxShapes = value; Trim(); } }
    }

    /// <summary>How many idle replicas each shape keeps.</summary>
    public int MaxReplicasPerShape
    {
        get { lock (sync) return maxReplicasPerShape; }
        set
        {
            lock (sync)
            {
                maxReplicasPerShape = value;
                foreach (var pool in recency)
                {
                    for (int i = value; i < pool.IdleCount; i++) pool.Idle[i] = null!;
                    pool.IdleCount = Math.Min(pool.IdleCount, value);
                }
            }
        }
    }

    /// <summary>Shapes currently kept.</summary>
    public int ShapeCount { get { lock (sync) return pools.Count; } }

    /// <summary>Idle replicas currently kept, over all shapes.</summary>
    public int IdleReplicaCount
    {
        get
        {
            lock (sync)
            {
                int count = 0;
                foreach (var pool in recency) count += pool.IdleCount;
                return count;
            }
        }
    }

    /// <summary>An idle replica for this shape, now owned by the caller, or null when none is idle;
    /// <paramref name="currentGeneration"/> is the generation to give it back with (or to capture one in).
    /// <paramref name="shapes"/> names the data's per-sample shapes when the model leaves an axis to them, else null.</summary>
    public CapturedStep? TryCheckOut(StepKind kind, int batch, bool weighted, string? shapes, out int currentGeneration)
    {
        lock (sync)
        {
            currentGeneration = generation;
            var pool = Touch((kind, batch, weighted, shapes));
            if (pool.IdleCount == 0) return null;
            var step = pool.Idle[--pool.IdleCount];
            pool.Idle[pool.IdleCount] = null!;
            return step;
        }
    }

    /// <summary>Gives a replica back; it is dropped when it belongs to an older generation or its pool is full.</summary>
    public void Return(CapturedStep step, int stepGeneration)
    {
        lock (sync)
        {
            if (stepGeneration != generation) return;
            var pool = Touch((step.Kind, step.BatchSize, step.SampleWeights is not null, step.DataShapes));
            if (pool.IdleCount >= maxReplicasPerShape) return;
            if (pool.Idle.Length <= pool.IdleCount) Array.Resize(ref pool.Idle, maxReplicasPerShape);
            pool.Idle[pool.IdleCount++] = step;
        }
    }

    /// <summary>How many replicas of this shape are idle.</summary>
    public int IdleCount(StepKind kind, int batch, bool weighted = false, string? shapes = null)
    {
        lock (sync) return pools.TryGetValue((kind, batch, weighted, shapes), out var node) ? node.Value.IdleCount : 0;
    }

    /// <summary>Drops every replica, including those checked out now (they are not taken back).</summary>
    public void Clear()
    {
        lock (sync)
        {
            pools.Clear();
            recency.Clear();
            generation++;
        }
    }

    /// <summary>The pool of <paramref name="key"/>, created if needed, marked most recently used.</summary>
    private ShapePool Touch((StepKind, int, bool, string?) key)
    {
        if (pools.TryGetValue(key, out var node))
        {
            if (recency.First != node)
            {
                recency.Remove(node);
                recency.AddFirst(node);
            }
            return node.Value;
        }
        node = recency.AddFirst(new ShapePool(key, Math.Max(1, maxReplicasPerShape)));
        pools.Add(key, node);
        Trim();
        return node.Value;
    }

    private void Trim()
    {
        while (pools.Count > Math.Max(1, maxShapes))
        {
            var last = recency.Last!;
            recency.RemoveLast();
            pools.Remove(last.Value.Key);
        }
    }
}
