using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// BLIS-style blocked SGEMM over raw pointers: cache blocking, packing and the register-tile loops, plus
/// the split of the output over worker threads. Every output element is computed by exactly one thread,
/// always through the same micro-kernel with k in the same order, so the result does not depend on the
/// thread count or on where tile edges fall.
/// </summary>
internal static unsafe class GemmDriver
{
    private struct Problem
    {
        public float* A, B, C;
        /// <summary>All of op(A), packed once, when it is a single MC block on one thread; else null.</summary>
        public float* WholePackedA;
        public nint Lda, Ldb, Ldc;
        public int M, N, K;
        public bool TransA, TransB, Accumulate, SplitRows, DirectB;
        /// <summary>The split dimension's MR or NR blocks, grouped into Units work items for the pool.</summary>
        public int Blocks, Units;
        public MicroKernel Kernel;
    }

    /// <summary>C = op(A)·op(B) (+ C), with sizes already validated and m, n, k all positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(MicroKernel kernel, int maxThreads, bool transA, bool transB, int m, int n, int k,
        float* a, float* b, float* c, bool accumulate)
    {
        var problem = new Problem
        {
            A = a, B = b, C = c,
            Lda = transA ? m : k, Ldb = transB ? k : n, Ldc = n,
            M = m, N = n, K = k,
            TransA = transA, TransB = transB, Accumulate = accumulate,
            // With a single MC block of rows, each packed B element would be read once by the kernels:
            // packing it would only add a copy, so full-width B panels are read in place.
            DirectB = !transB && m <= kernel.MC,
            Kernel = kernel,
        };
        int rowBlocks = (m + kernel.MR - 1) / kernel.MR;
        int colBlocks = (n + kernel.NR - 1) / kernel.NR;
        bool parallel = (long)m * n * k >= KernelSettings.ParallelThresholdMacs && maxThreads > 1;
        if (m <= kernel.MC && !parallel)
        {
            // Few rows (a dense layer's batch) on one thread: pack all of A once, so B is read exactly once.
            // With threads, packing A up front would be serial work (and the other core would then read
            // the whole packed A from this core's cache). Letting each thread pack its own operand ran
            // 32×128×784 1.3x and 128×128×784 1.6x faster than the shared A on two threads.
            problem.WholePackedA = PackAllOfA(ref problem);
            problem.SplitRows = false;
        }
        else
        {
            // Threads splitting rows each pack all of B, threads splitting columns all of A: split so the
            // operand every thread packs is the smaller one, unless that leaves too few blocks to share.
            problem.SplitRows = n <= m ? rowBlocks >= Math.Min(maxThreads, colBlocks) : colBlocks < Math.Min(maxThreads, rowBlocks);
        }
        problem.Blocks = problem.SplitRows ? rowBlocks : colBlocks;
        int threads = parallel ? Math.Min(maxThreads, problem.Blocks) : 1;
        if (threads <= 1)
        {
            Blocked(ref problem, 0, m, 0, n);
            return;
        }
        // Every work item repacks the operand that is not split, so items span about
        // one cache block (MC rows or 256 columns) — several per thread when that many exist, so a thread
        // that gets more CPU time can take more of them.
        int splitLength = problem.SplitRows ? m : n;
        int itemLength = problem.SplitRows ? kernel.MC : 256;
        problem.Units = Math.Clamp((splitLength + itemLength - 1) / itemLength, threads, problem.Blocks);
        WorkerPool.For(problem.Units, &RunUnits, &problem, threads);
    }

    /// <summary>
    /// The block C[i0..i1, j0..j1] of C = op(A)·op(B) (+ C), with explicit leading dimensions (so A and B may
    /// be slices of larger matrices), on the calling thread: one thread's share of a product its caller splits. <paramref name="kernel"/> must be the one chosen for the
    /// whole width n, so every element is computed exactly as <see cref="Multiply"/> computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyBlock(MicroKernel kernel, bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate, int i0, int i1, int j0, int j1)
    {
        var problem = new Problem
        {
            A = a, B = b, C = c,
            Lda = lda, Ldb = ldb, Ldc = ldc,
            M = m, N = n, K = k,
            TransA = transA, TransB = transB, Accumulate = accumulate,
            DirectB = !transB && i1 - i0 <= kernel.MC,
            Kernel = kernel,
        };
        // All rows of a short A are packed once, so B is read once; a share of rows packs its own blocks.
        if (i0 == 0 && i1 == m && m <= kernel.MC) problem.WholePackedA = PackAllOfA(ref problem);
        Blocked(ref problem, i0, i1, j0, j1);
    }

    /// <summary>Packs op(A) whole, KC-deep block after block, into the calling thread's A buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float* PackAllOfA(ref Problem p)
    {
        var kern = p.Kernel;
        int rows = RoundUp(p.M, kern.MR);
        float* packed = PackBuffers.ForA(rows * p.K);
        for (int pc = 0; pc < p.K; pc += kern.KC)
            GemmPacking.PackA(p.TransA, p.A, p.Lda, 0, p.M, pc, Math.Min(kern.KC, p.K - pc), kern.MR, packed + (nint)rows * pc);
        return packed;
    }

    private static void RunUnits(int start, int end, void* state)
    {
        ref Problem p = ref *(Problem*)state;
        int first = WorkerPool.RangeStart(p.Blocks, p.Units, start), last = WorkerPool.RangeStart(p.Blocks, p.Units, end);
        if (p.SplitRows) Blocked(ref p, first * p.Kernel.MR, Math.Min(last * p.Kernel.MR, p.M), 0, p.N);
        else Blocked(ref p, 0, p.M, first * p.Kernel.NR, Math.Min(last * p.Kernel.NR, p.N));
    }

    /// <summary>Computes C[i0..i1, j0..j1] on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked(ref Problem p, int i0, int i1, int j0, int j1)
    {
        var kern = p.Kernel;
        int mr = kern.MR, nr = kern.NR;
        // Sized from the whole problem, not this thread's share, so a repeated call never regrows a buffer
        // however the work happens to be split between threads.
        float* packA = p.WholePackedA != null ? null : PackBuffers.ForA(RoundUp(Math.Min(kern.MC, p.M), mr) * Math.Min(kern.KC, p.K));
        float* packB = PackBuffers.ForB(RoundUp(Math.Min(kern.NC, p.N), nr) * Math.Min(kern.KC, p.K));
        float* tile = stackalloc float[mr * nr];

        for (int jc = j0; jc < j1; jc += kern.NC)
        {
            int nc = Math.Min(kern.NC, j1 - jc);
            int fullPanels = nc / nr;
            for (int pc = 0; pc < p.K; pc += kern.KC)
            {
                int kc = Math.Min(kern.KC, p.K - pc);
                bool load = p.Accumulate || pc > 0;
                if (!p.DirectB)
                    GemmPacking.PackB(p.TransB, p.B, p.Ldb, pc, kc, jc, nc, nr, packB);
                else if (fullPanels * nr < nc) // only the ragged last panel needs padding
                    GemmPacking.PackB(p.TransB, p.B, p.Ldb, pc, kc, jc + fullPanels * nr, nc - fullPanels * nr, nr, packB);

                for (int ic = i0; ic < i1; ic += kern.MC)
                {
                    int mc = Math.Min(kern.MC, i1 - ic);
                    float* aBlock = p.WholePackedA != null ? p.WholePackedA + (nint)RoundUp(p.M, mr) * pc : packA;
                    if (p.WholePackedA == null) GemmPacking.PackA(p.TransA, p.A, p.Lda, ic, mc, pc, kc, mr, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrValid = Math.Min(nr, nc - jr);
                        bool inPlace = p.DirectB && nrValid == nr;
                        float* bPanel = inPlace ? p.B + (nint)pc * p.Ldb + jc + jr
                            : p.DirectB ? packB
                            : packB + (nint)(jr / nr) * kc * nr;
                        nint ldb = inPlace ? p.Ldb : nr;

                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrValid = Math.Min(mr, mc - ir);
                            float* aPanel = aBlock + (nint)(ir / mr) * kc * mr;
                            float* cTile = p.C + (nint)(ic + ir) * p.Ldc + jc + jr;
                            if (mrValid == mr && nrValid == nr)
                                kern.Run(kc, aPanel, bPanel, ldb, cTile, p.Ldc, load);
                            else
                                EdgeTile(kern, kc, aPanel, bPanel, ldb, cTile, p.Ldc, load, mrValid, nrValid, tile);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A partial tile runs the full micro-kernel on a scratch tile, then copies the valid part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile(MicroKernel kern, int kc, float* a, float* b, nint ldb, float* c, nint ldc,
        bool load, int rows, int cols, float* tile)
    {
        int nr = kern.NR;
        if (load)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) tile[i * nr + j] = c[i * ldc + j];
        kern.Run(kc, a, b, ldb, tile, nr, load);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) c[i * ldc + j] = tile[i * nr + j];
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
