using System.Numerics.Tensors;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Permutes the axes: output axis i is input axis perm[i]. A permutation that swaps two runs of axes after
/// a common prefix ([batch, c, h, w] ↔ [batch, h, w, c], the channels-first layers' moves) is a batch of matrix
/// transposes, copied in 8×8 register blocks; any other walks the strides element by element.</summary>
internal sealed class TransposeOp : Op
{
    // Operand 0: the output; operand 1: the input, read with permuted strides. Built only when no matrix batch applies.
    private readonly StridedWalk? walk;
    private readonly MatrixBatch? matrices;
    private readonly int[] permutation;
    // dy transposed back before it is added to a gradient that other ops also feed; allocated by the first such pass.
    private float[]? scratch;

    /// <summary>The input as <see cref="Count"/> matrices of <see cref="Rows"/> × <see cref="Columns"/>, each transposed.</summary>
    private readonly record struct MatrixBatch(int Count, int Rows, int Columns);

    public TransposeOp(Tensor x, int[] permutation) : base([x], Permuted(x.Shape, Validate(permutation, x.Rank)))
    {
        matrices = AsMatrixBatch(x.Shape, permutation);
        if (matrices is null)
            walk = new StridedWalk(Output.Shape,
                [StridedWalk.ContiguousStrides(Output.Shape), Permuted(StridedWalk.ContiguousStrides(x.Shape), permutation)]);
        this.permutation = permutation;
    }

    /// <summary>Whether transposing this op's output by <paramref name="order"/> gives back its input's layout.</summary>
    internal bool IsUndoneBy(int[] order)
    {
        if (order.Length != permutation.Length) return false;
        for (int i = 0; i < order.Length; i++)
            if (permutation[order[i]] != i) return false;
        return true;
    }

    public override string Name => "transpose";

    /// <summary>perm = [0..k−1, m..r−1, k..m−1] for some 0 ≤ k &lt; m &lt; r: the prefix stays, and the runs k..m−1 (rows)
    /// and m..r−1 (columns) trade places.</summary>
    private static MatrixBatch? AsMatrixBatch(int[] shape, int[] permutation)
    {
        int rank = permutation.Length, k = 0;
        while (k < rank && permutation[k] == k) k++;
        if (k >= rank - 1) return null;
        int m = permutation[k];
        for (int i = k; i < rank; i++)
            if (permutation[i] != (i - k < rank - m ? m + (i - k) : k + (i - k - (rank - m)))) return null;
        int Product(int from, int to) { int p = 1; for (int a = from; a < to; a++) p *= shape[a]; return p; }
        return new MatrixBatch(Product(0, k), Product(k, m), Product(m, rank));
    }

    public override void Forward()
    {
        if (matrices is { } b) TransposeEach(Inputs[0].Data, Output.Data, b.Count, b.Rows, b.Columns);
        else walk!.Gather(Inputs[0].Data, Output.Data);
    }

    protected internal override bool CanOverwriteGrad(int i) => matrices is not null;

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        if (matrices is not { } b)
        {
            walk!.ScatterAdd(Output.Grad!.Data, Inputs[0].Grad!.Data);
            return;
        }
        var dx = Inputs[0].Grad!.Data;
        // The output's matrices are Columns × Rows: transposing them back gives the input's layout.
        if (OverwritesGrad(0))
        {
            TransposeEach(Output.Grad!.Data, dx, b.Count, b.Columns, b.Rows);
            return;
        }
        scratch ??= new float[Inputs[0].Size];
        TransposeEach(Output.Grad!.Data, scratch, b.Count, b.Columns, b.Rows);
        TensorPrimitives.Add(dx.AsSpan(0, scratch.Length), scratch, dx.AsSpan(0, scratch.Length));
    }

    /// <summary>dst[b][c][r] = src[b][r][c] for each of <paramref name="count"/> rows × columns matrices.</summary>
    private static unsafe void TransposeEach(float[] src, float[] dst, int count, int rows, int columns)
    {
        int size = rows * columns;
        fixed (float* s = src, d = dst)
            for (int b = 0; b < count; b++)
                TransposeCopy.Run(s + (nint)b * size, columns, rows, columns, d + (nint)b * size, rows);
    }

    private static int[] Permuted(int[] values, int[] permutation) => permutation.Select(p => values[p]).ToArray();

    private static int[] Validate(int[] permutation, int rank)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Length != rank || permutation.Order().Where((p, i) => p != i).Any())
            throw new ArgumentException(
                $"transpose: [{string.Join(", ", permutation)}] is not a permutation of the {rank} axes 0..{rank - 1}.",
                nameof(permutation));
        return permutation;
    }
}
