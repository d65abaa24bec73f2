using Nabla.Autograd;
using Nabla.Autograd.Ops;

namespace Nabla;

/// <summary>Operations that move values without changing them.</summary>
public sealed partial class Tensor
{
    /// <summary>Same values in a new shape; one dimension may be −1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape) => Op.Record(new ReshapeOp(x, shape));

    /// <summary>Swaps the two axes of a matrix.</summary>
    public static Tensor Transpose(Tensor x)
    {
        if (x.Rank != 2)
            throw new ArgumentException(
                $"Transpose(x) without a permutation needs a matrix; got shape {ShapeString(x.Shape)}. Pass the permutation.", nameof(x));
        return Transpose(x, 1, 0);
    }

    /// <summary>Output axis i is input axis <paramref name="permutation"/>[i].</summary>
    public static Tensor Transpose(Tensor x, params int[] permutation) => Op.Record(new TransposeOp(x, permutation));

    /// <summary>The permutation that undoes <paramref name="permutation"/>: transposing by one, then the other, is the identity.</summary>
    internal static int[] InversePermutation(int[] permutation)
    {
        var inverse = new int[permutation.Length];
        for (int i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
        return inverse;
    }

    /// <summary>Along each axis i, <paramref name="lengths"/>[i] elements starting at <paramref name="starts"/>[i].</summary>
    public static Tensor Slice(Tensor x, int[] starts, int[] lengths) => Op.Record(new SliceOp(x, starts, lengths));

    /// <summary>Joins tensors along <paramref name="axis"/>; the other dimensions must agree.</summary>
    public static Tensor Concat(Tensor[] tensors, int axis = 0) => Op.Record(ConcatOp.Create(tensors, axis));
}
