using System.Numerics.Tensors;

namespace Nabla.Tensors;

/// <summary>The three tensors a broadcast plan knows: the (contiguous) output and the two inputs.</summary>
internal enum Operand { Out = 0, A = 1, B = 2 }

/// <summary>
/// NumPy broadcasting of two shapes, computed once per op: the output shape, a strided walk over it in
/// which each input has stride 0 along its broadcast axes, and the three kernels every broadcasting op
/// needs: apply an element-wise kernel, reduce an output-shaped gradient back to an input's shape (sum
/// over the broadcast axes), and add an input-shaped tensor expanded over the output. Reductions
/// (sum, mean) are the same plan read the other way round.
/// </summary>
internal sealed class BroadcastPlan
{
    private readonly StridedWalk walk;

    public BroadcastPlan(int[] aShape, int[] bShape, string opName)
    {
        OutShape = BroadcastShape(aShape, bShape, opName);
        ShapeA = aShape;
        ShapeB = bShape;
        walk = new StridedWalk(OutShape,
            [StridedWalk.ContiguousStrides(OutShape), AlignedStrides(aShape, OutShape), AlignedStrides(bShape, OutShape)]);
        IsElementwise = Shapes.Same(aShape, OutShape) && Shapes.Same(bShape, OutShape);
    }

    public int[] OutShape { get; }

    public int[] ShapeA { get; }

    public int[] ShapeB { get; }

    /// <summary>Both inputs already have the output's shape: no broadcasting at all.</summary>
    public bool IsElementwise { get; }

    /// <summary>Whether <paramref name="operand"/> covers the whole output (so its gradient needs no reduction).</summary>
    public bool IsFull(Operand operand) => operand switch
    {
        Operand.A => Shapes.Same(ShapeA, OutShape),
        Operand.B => Shapes.Same(ShapeB, OutShape),
        _ => true,
    };

    internal StridedWalk Walk => walk;

    /// <summary>The NumPy broadcast of two shapes: align on the right; each pair of dims must match or one be 1.</summary>
    public static int[] BroadcastShape(int[] a, int[] b, string opName)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{opName}: shapes {Shapes.Describe(a)} and {Shapes.Describe(b)} do not broadcast " +
                    $"(axis {i} of the result: {da} vs {db}; each pair of dims must be equal or one of them 1).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides of a contiguous tensor of <paramref name="shape"/> read over <paramref name="outShape"/>:
    /// 0 on the leading axes it lacks and on the axes where it has size 1.</summary>
    public static int[] AlignedStrides(int[] shape, int[] outShape)
    {
        var own = StridedWalk.ContiguousStrides(shape);
        var result = new int[outShape.Length];
        int lead = outShape.Length - shape.Length;
        for (int i = lead; i < outShape.Length; i++)
            result[i] = shape[i - lead] == 1 ? 0 : own[i - lead];
        return result;
    }

    /// <summary>z = f(x, y) over the output, where x and y are each the output-shaped buffer or one of the inputs.</summary>
    public void Apply<TKernel>(ReadOnlySpan<float> x, Operand xOperand, ReadOnlySpan<float> y, Operand yOperand, Span<float> z)
        where TKernel : IBinaryKernel
    {
        int len = walk.RunLength;
        bool xRuns = walk.InnerStride((int)xOperand) != 0, yRuns = walk.InnerStride((int)yOperand) != 0;
        var runs = walk.Runs();
        while (runs.MoveNext())
        {
            int xo = runs[(int)xOperand], yo = runs[(int)yOperand];
            var zr = z.Slice(runs.Offset0, len);
            if (xRuns && yRuns) TKernel.Apply(x.Slice(xo, len), y.Slice(yo, len), zr);
            else if (xRuns) TKernel.Apply(x.Slice(xo, len), y[yo], zr);
            else if (yRuns) TKernel.Apply(x[xo], y.Slice(yo, len), zr);
            else
            {
                // Both constant along the run (in practice only runs of length 1): one value, repeated.
                TKernel.Apply(x.Slice(xo, 1), y.Slice(yo, 1), zr[..1]);
                zr.Fill(zr[0]);
            }
        }
    }

    /// <summary>dest += <paramref name="outSpace"/> summed over the axes along which <paramref name="target"/>
    /// is broadcast: the gradient of a broadcast input, and the forward pass of sum-reductions.</summary>
    public void ReduceInto(ReadOnlySpan<float> outSpace, Operand target, Span<float> dest)
    {
        int len = walk.RunLength;
        bool contiguous = walk.InnerStride((int)target) != 0;
        var runs = walk.Runs();
        while (runs.MoveNext())
        {
            var src = outSpace.Slice(runs.Offset0, len);
            int to = runs[(int)target];
            if (contiguous)
            {
                var d = dest.Slice(to, len);
                TensorPrimitives.Add(d, src, d);
            }
            else dest[to] += TensorPrimitives.Sum(src);
        }
    }

    /// <summary>outSpace += scale · <paramref name="source"/> expanded over the output: the gradient of a
    /// sum-reduction, the transpose of <see cref="ReduceInto"/>.</summary>
    public void AddExpanded(ReadOnlySpan<float> source, Operand sourceOperand, float scale, Span<float> outSpace)
    {
        int len = walk.RunLength;
        bool contiguous = walk.InnerStride((int)sourceOperand) != 0;
        var runs = walk.Runs();
        while (runs.MoveNext())
        {
            var d = outSpace.Slice(runs.Offset0, len);
            int from = runs[(int)sourceOperand];
            if (contiguous) TensorPrimitives.MultiplyAdd(source.Slice(from, len), scale, d, d);
            else TensorPrimitives.Add(d, source[from] * scale, d);
        }
    }

    /// <summary>Copies <paramref name="source"/> expanded over the output into <paramref name="outSpace"/>.</summary>
    public void Expand(ReadOnlySpan<float> source, Operand sourceOperand, Span<float> outSpace)
    {
        int len = walk.RunLength;
        bool contiguous = walk.InnerStride((int)sourceOperand) != 0;
        var runs = walk.Runs();
        while (runs.MoveNext())
        {
            var d = outSpace.Slice(runs.Offset0, len);
            int from = runs[(int)sourceOperand];
            if (contiguous) source.Slice(from, len).CopyTo(d);
            else d.Fill(source[from]);
        }
    }
}
