namespace Nabla.Kernels;

/// <summary>
/// A fixed split of [0, <see cref="Length"/>) into contiguous shards, one per kernel thread, run through
/// <see cref="WorkerPool.ForShards"/>. A training step splits a wide dense layer this way (its units for the
/// forward pass, its weight rows for the weight gradient and the optimizer update), so each thread keeps
/// writing the same memory step after step and it stays in that core's cache (docs/performance.md).
/// </summary>
internal sealed class Shards
{
    private readonly int[] bounds;

    private Shards(int[] bounds) => this.bounds = bounds;

    public int Length => bounds[^1];

    public int Count => bounds.Length - 1;

    public int Start(int shard) => bounds[shard];

    public int End(int shard) => bounds[shard + 1];

    public Range this[int shard] => bounds[shard]..bounds[shard + 1];

    /// <summary>The same split of a [Length, <paramref name="rowLength"/>] matrix's elements, whole rows per shard.</summary>
    public Shards OfRows(int rowLength) => new(Array.ConvertAll(bounds, b => b * rowLength));

    /// <summary>
    /// Splits [0, <paramref name="length"/>) into up to <paramref name="threads"/> shards whose bounds are multiples
    /// of <paramref name="align"/> (a GEMM micro-kernel's tile, so no shard adds a ragged tile) and that are at
    /// least <paramref name="minLength"/> long; null when that leaves fewer than two shards.
    /// </summary>
    public static Shards? Plan(int length, int threads, int align, int minLength)
    {
        if (align < 1) throw new ArgumentOutOfRangeException(nameof(align), align, "align must be >= 1.");
        int blocks = (length + align - 1) / align;
        // Rounding the bounds to whole tiles can leave the last shard short: take fewer shards until none is.
        for (int count = Math.Min(threads, blocks); count >= 2; count--)
        {
            var bounds = new int[count + 1];
            for (int s = 1; s < count; s++) bounds[s] = WorkerPool.RangeStart(blocks, count, s) * align;
            bounds[count] = length;
            bool longEnough = true;
            for (int s = 0; s < count; s++) longEnough &= bounds[s + 1] - bounds[s] >= minLength;
            if (longEnough) return new Shards(bounds);
        }
        return null;
    }
}
