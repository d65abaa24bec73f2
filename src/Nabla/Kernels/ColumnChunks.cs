using System.Buffers;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// How a convolution lowers a batch to im2col rows within a bounded buffer. Rows are numbered across the batch
/// (sample-major, then output position), which is the row order of the NHWC/NDHWC output, so any run of rows is one
/// contiguous GEMM slice. A chunk is as many whole samples as fit in <see cref="MaxFloats"/> floats; when one sample
/// alone is larger, a chunk is a run of output positions, which may end mid-row or mid-depth-slice (and, with batch
/// &gt; 1, run on into the next sample). <see cref="Lower"/> fills the buffer from a chunk's inputs and
/// <see cref="AddBack"/> adds its rows onto a batch (col2im); windows overlapping across chunk boundaries add up
/// because each chunk only adds.
/// </summary>
internal sealed unsafe class ColumnChunks
{
    /// <summary>Most floats an im2col buffer holds by default (32 MB).</summary>
    public const int MaxFloats = 8 << 20;

    /// <summary>From this many column floats per chunk the rows are lowered and added back on several threads.</summary>
    private const int ParallelFloats = 1 << 16;

    private readonly ConvGeometry g;
    private readonly int totalRows;
    // The pass under way, for the workers: the batch read or written, the buffer, and the chunk's first row.
    private float[] batchData = [], cols = [];
    private int chunkStart, chunkRows;

    /// <param name="maxFloats">The buffer bound; tests lower it to force chunks within a sample.</param>
    public ColumnChunks(ConvGeometry geometry, int batch, int maxFloats = MaxFloats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFloats, 1);
        g = geometry;
        totalRows = batch * g.OutPositions;
        long perSample = (long)g.OutPositions * g.PatchSize;
        Rows = perSample <= maxFloats
            ? (int)Math.Min(maxFloats / perSample, Math.Max(batch, 1)) * g.OutPositions
            : Math.Max(maxFloats / g.PatchSize, 1);
        Count = (totalRows + Rows - 1) / Rows;
    }

    /// <summary>Rows per chunk (the last may hold fewer).</summary>
    public int Rows { get; }

    /// <summary>Chunks in the batch.</summary>
    public int Count { get; }

    /// <summary>The buffer's length: one full chunk of rows.</summary>
    public int BufferFloats => Rows * g.PatchSize;

    /// <summary>A buffer of at least <see cref="BufferFloats"/> floats from the shared pool, for one pass; every pass writes
    /// the rows it reads (Lower clears the padding cells, the products overwrite), so its old contents never show.</summary>
    public float[] Borrow() => ArrayPool<float>.Shared.Rent(BufferFloats);

    /// <summary>Gives a buffer from <see cref="Borrow"/> back; the caller keeps no reference to it.</summary>
    public static void Return(float[]? buffer)
    {
        if (buffer is not null) ArrayPool<float>.Shared.Return(buffer);
    }

    /// <summary>The first row and the row count of chunk <paramref name="chunk"/>.</summary>
    public (int Start, int Rows) this[int chunk]
    {
        get
        {
            int start = chunk * Rows;
            return (start, Math.Min(Rows, totalRows - start));
        }
    }

    /// <summary>Writes the im2col rows [start, start + rows) of <paramref name="source"/> (a batch of the geometry's
    /// inputs) into the front of <paramref name="buffer"/>.</summary>
    public void Lower(float[] source, int start, int rows, float[] buffer)
    {
        // Each row depends on its own window alone, so any split between threads gives the same bits.
        Run(source, start, rows, buffer, rows, &LowerRows);
    }

    /// <summary>Adds the rows at the front of <paramref name="buffer"/>, the im2col-shaped gradient of rows
    /// [start, start + rows), onto <paramref name="target"/> (a batch of the geometry's inputs).</summary>
    public void AddBack(float[] buffer, int start, int rows, float[] target)
    {
        // Windows of one sample overlap, so each sample's share of the chunk goes to a single thread.
        int positions = g.OutPositions;
        int samples = (start + rows - 1) / positions - start / positions + 1;
        Run(target, start, rows, buffer, samples, &AddBackSamples);
    }

    private void Run(float[] data, int start, int rows, float[] buffer, int items, delegate*<int, int, void*, void> pass)
    {
        batchData = data;
        cols = buffer;
        chunkStart = start;
        chunkRows = rows;
        var self = this;
        int threads = (long)rows * g.PatchSize >= ParallelFloats ? KernelSettings.MaxThreads : 1;
        WorkerPool.For(items, pass, Unsafe.AsPointer(ref self), threads);
        // The buffer may go back to the pool once the pass ends: hold no reference to it.
        (batchData, cols) = ([], []);
    }

    /// <summary>Runs <paramref name="pass"/> over <paramref name="rows"/> rows of the chunk from its row
    /// <paramref name="first"/>, one call per sample they touch: pass(geometry, that sample in the batch, the rows'
    /// part of the buffer, the sample's first output position among them, their count).</summary>
    private void ForEachSample(int first, int rows, delegate*<ConvGeometry, Span<float>, Span<float>, int, int, void> pass)
    {
        int positions = g.OutPositions, patch = g.PatchSize, inSize = g.InSize;
        int row = chunkStart + first, end = row + rows;
        while (row < end)
        {
            int sample = row / positions, p = row - sample * positions, n = Math.Min(positions - p, end - row);
            pass(g, batchData.AsSpan(sample * inSize, inSize), cols.AsSpan((row - chunkStart) * patch, n * patch), p, n);
            row += n;
        }
    }

    private static void LowerRows(int start, int end, void* state) =>
        Unsafe.AsRef<ColumnChunks>(state).ForEachSample(start, end - start, &LowerRun);

    private static void AddBackSamples(int start, int end, void* state)
    {
        var chunks = Unsafe.AsRef<ColumnChunks>(state);
        int positions = chunks.g.OutPositions, firstSample = chunks.chunkStart / positions;
        // The chunk's rows that belong to its samples [start, end).
        int from = Math.Max((firstSample + start) * positions - chunks.chunkStart, 0);
        int to = Math.Min((firstSample + end) * positions - chunks.chunkStart, chunks.chunkRows);
        chunks.ForEachSample(from, to - from, &AddBackRun);
    }

    private static void LowerRun(ConvGeometry g, Span<float> x, Span<float> cols, int first, int count) =>
        Im2Col.Lower(g, x, cols, first, count);

    private static void AddBackRun(ConvGeometry g, Span<float> dx, Span<float> cols, int first, int count) =>
        Im2Col.AddBack(g, cols, dx, first, count);
}
