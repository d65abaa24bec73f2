namespace Nabla.Tensors;

/// <summary>
/// Iterates several tensors laid over one index space (the output's), each with its own strides, as
/// contiguous "runs" along the innermost axis. Broadcasting (stride 0), transposes and slices are all
/// this walk with different strides. Axes of size 1 are dropped and adjacent axes that every operand
/// lays out contiguously are merged, so the common cases (same shape, bias row, scalar) become one run
/// or one run per row and the per-run kernels see long spans.
/// The walk keeps its odometer in a buffer allocated once, so walking allocates nothing; in exchange a
/// walk is not re-entrant (one op owns it).
/// </summary>
internal sealed class StridedWalk
{
    private readonly int[] dims;
    private readonly int[][] strides;
    private readonly int[] baseOffsets;
    private readonly int[] counter;

    /// <param name="shape">The index space (usually the output shape).</param>
    /// <param name="operandStrides">For each operand, its element stride along each axis of <paramref name="shape"/>
    /// (0 where it is broadcast).</param>
    /// <param name="baseOffsets">Offset of element [0, ..., 0] in each operand (slices); zeros when null.</param>
    public StridedWalk(int[] shape, int[][] operandStrides, int[]? baseOffsets = null)
    {
        int operands = operandStrides.Length;
        this.baseOffsets = baseOffsets ?? new int[operands];
        RunCount = 1;
        long total = Shapes.ElementCount(shape);
        if (total == 0) RunCount = 0;

        var keptDims = new List<int>();
        var keptStrides = new List<int>[operands];
        for (int k = 0; k < operands; k++) keptStrides[k] = [];
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] == 1) continue; // size-1 axes never move any offset
            int last = keptDims.Count - 1;
            bool mergeable = last >= 0;
            for (int k = 0; k < operands && mergeable; k++)
                mergeable = keptStrides[k][last] == operandStrides[k][axis] * shape[axis];
            if (mergeable)
            {
                keptDims[last] *= shape[axis];
                for (int k = 0; k < operands; k++) keptStrides[k][last] = operandStrides[k][axis];
            }
            else
            {
                keptDims.Add(shape[axis]);
                for (int k = 0; k < operands; k++) keptStrides[k].Add(operandStrides[k][axis]);
            }
        }
        if (keptDims.Count == 0)
        {
            // A single element: one run of length 1, every operand "contiguous".
            keptDims.Add(1);
            for (int k = 0; k < operands; k++) keptStrides[k].Add(1);
        }
        dims = keptDims.ToArray();
        strides = keptStrides.Select(s => s.ToArray()).ToArray();
        counter = new int[dims.Length];
        RunLength = dims[^1];
        if (RunCount != 0) RunCount = (int)(total / RunLength);
    }

    /// <summary>Elements per run (the merged innermost axis).</summary>
    public int RunLength { get; }

    public int RunCount { get; }

    /// <summary>The step of operand <paramref name="k"/> between consecutive elements of a run.</summary>
    public int InnerStride(int k) => strides[k][^1];

    /// <summary>Starts a pass over the runs; call <see cref="Cursor.MoveNext"/> before reading offsets.</summary>
    public Cursor Runs() => new(this);

    /// <summary>The start offsets of each run, operand by operand (up to three operands).</summary>
    public struct Cursor
    {
        private readonly StridedWalk walk;
        private bool started;
        public int Offset0, Offset1, Offset2;

        internal Cursor(StridedWalk walk)
        {
            this.walk = walk;
            started = false;
            Offset0 = Offset1 = Offset2 = 0;
        }

        public readonly int this[int operand] => operand switch { 0 => Offset0, 1 => Offset1, _ => Offset2 };

        public bool MoveNext()
        {
            var w = walk;
            if (!started)
            {
                started = true;
                Array.Clear(w.counter);
                Offset0 = w.baseOffsets.Length > 0 ? w.baseOffsets[0] : 0;
                Offset1 = w.baseOffsets.Length > 1 ? w.baseOffsets[1] : 0;
                Offset2 = w.baseOffsets.Length > 2 ? w.baseOffsets[2] : 0;
                return w.RunCount > 0;
            }
            // Odometer over every axis but the innermost (which the run itself covers).
            for (int axis = w.dims.Length - 2; axis >= 0; axis--)
            {
                if (++w.counter[axis] < w.dims[axis])
                {
                    Step(w, axis, 1);
                    return true;
                }
                Step(w, axis, -(w.dims[axis] - 1));
                w.counter[axis] = 0;
            }
            return false;
        }

        private void Step(StridedWalk w, int axis, int times)
        {
            var s = w.strides;
            Offset0 += s[0][axis] * times;
            if (s.Length > 1) Offset1 += s[1][axis] * times;
            if (s.Length > 2) Offset2 += s[2][axis] * times;
        }
    }

    /// <summary>Copies operand 1 (any strides) into operand 0 (the contiguous output): transposes and slices.</summary>
    public void Gather(ReadOnlySpan<float> source, Span<float> dest)
    {
        int len = RunLength, step = InnerStride(1);
        var runs = Runs();
        while (runs.MoveNext())
        {
            var d = dest.Slice(runs.Offset0, len);
            if (step == 1) source.Slice(runs.Offset1, len).CopyTo(d);
            else
                for (int j = 0, s = runs.Offset1; j < len; j++, s += step) d[j] = source[s];
        }
    }

    /// <summary>The transpose of <see cref="Gather"/>: adds the contiguous operand 0 into operand 1.</summary>
    public void ScatterAdd(ReadOnlySpan<float> source, Span<float> dest)
    {
        int len = RunLength, step = InnerStride(1);
        var runs = Runs();
        while (runs.MoveNext())
        {
            var s = source.Slice(runs.Offset0, len);
            if (step == 1)
            {
                var d = dest.Slice(runs.Offset1, len);
                System.Numerics.Tensors.TensorPrimitives.Add(d, s, d);
            }
            else
                for (int j = 0, t = runs.Offset1; j < len; j++, t += step) dest[t] += s[j];
        }
    }

    /// <summary>Row-major strides of a contiguous tensor of <paramref name="shape"/>.</summary>
    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = stride;
            stride *= shape[i];
        }
        return s;
    }
}
