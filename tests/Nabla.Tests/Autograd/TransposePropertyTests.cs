using CsCheck;
using Nabla.Autograd;

namespace Nabla.Tests.Autograd;

/// <summary>Transpose against index arithmetic on random shapes and permutations (CsCheck): the swaps of two runs of
/// axes that go as batched 8×8 block transposes, and every other permutation that walks the strides, forward and
/// backward, the gradient added to what another consumer already put there.</summary>
public class TransposePropertyTests
{
    /// <summary>A shape of rank 2 to 5 (sides 1 to 19, so that blocks of 8 and their tails both occur) and a permutation.</summary>
    private static readonly Gen<(int[] Shape, int[] Permutation)> Cases =
        Gen.Int[2, 5].SelectMany(rank => Gen.Select(
            Gen.Int[1, 19].Array[rank],
            Gen.Int.Array[rank].Select(keys => Enumerable.Range(0, rank).OrderBy(a => keys[a]).ThenBy(a => a).ToArray())));

    /// <summary>The channels moves in particular: [0, 2..r−1, 1] and its inverse, on sides that cross block edges.</summary>
    private static readonly Gen<(int[] Shape, int[] Permutation)> ChannelMoves =
        Gen.Int[3, 5].SelectMany(rank => Gen.Select(Gen.Int[1, 19].Array[rank], Gen.Bool,
            (shape, toLast) => (shape, toLast
                ? (int[])[0, .. Enumerable.Range(2, rank - 2), 1]
                : [0, rank - 1, .. Enumerable.Range(1, rank - 2)])));

    private static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        for (int a = shape.Length - 1, s = 1; a >= 0; s *= shape[a], a--) strides[a] = s;
        return strides;
    }

    /// <summary>y[i] = x[index whose axis p[k] is i's axis k], by index arithmetic.</summary>
    private static float[] Expected(float[] x, int[] shape, int[] permutation)
    {
        int rank = shape.Length;
        int[] outShape = [.. permutation.Select(p => shape[p])], inStrides = Strides(shape), outStrides = Strides(outShape);
        var y = new float[x.Length];
        for (int o = 0; o < y.Length; o++)
        {
            int source = 0;
            for (int k = 0; k < rank; k++) source += o / outStrides[k] % outShape[k] * inStrides[permutation[k]];
            y[o] = x[source];
        }
        return y;
    }

    private static void Check((int[] Shape, int[] Permutation) c)
    {
        var (shape, permutation) = c;
        int size = shape.Aggregate(1, (a, b) => a * b);
        foreach (bool transposeFirst in new[] { true, false })
        {
            var x = Tensor.FromArray([.. Enumerable.Range(0, size).Select(i => (float)i)], shape).RequireGrad();
            // A second consumer of x (2·x, read by a sum), recorded before or after the transpose, so that the transpose's
            // backward pass both writes x's gradient first and adds to one already written.
            var doubled = transposeFirst ? null : Tensor.Sum(x * Tensor.Full(2f, shape));
            var y = Tensor.Transpose(x, permutation);
            Assert.Equal(Expected(x.Data, shape, permutation), y.Data);
            var dy = Tensor.FromArray([.. Enumerable.Range(0, size).Select(i => (float)(i % 7) - 3)], y.Shape);
            var loss = transposeFirst ? Tensor.Sum(y * dy) + Tensor.Sum(x * Tensor.Full(2f, shape)) : doubled! + Tensor.Sum(y * dy);
            new Graph(loss).Backward();
            var back = Expected(dy.Data, y.Shape, Tensor.InversePermutation(permutation));
            Assert.Equal(back.Select(v => v + 2f), x.Grad!.Data);
        }
    }

    [Fact]
    public void AnyPermutationMatchesIndexArithmeticForwardAndBackward() => Cases.Sample(Check, iter: 300);

    [Fact]
    public void TheChannelsMovesMatchIndexArithmeticForwardAndBackward() => ChannelMoves.Sample(Check, iter: 300);
}
