using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Permutes the axes: output axis i is input axis perm[i].</summary>
internal sealed class TransposeOp : Op
{
    private readonly StridedWalk walk; // operand 0: the output; operand 1: the input, read with permuted strides

    public TransposeOp(Tensor x, int[] permutation) : base([x], Permuted(x.Shape, Validate(permutation, x.Rank)))
    {
        var inputStrides = StridedWalk.ContiguousStrides(x.Shape);
        walk = new StridedWalk(Output.Shape,
            [StridedWalk.ContiguousStrides(Output.Shape), Permuted(inputStrides, permutation)]);
    }

    public override string Name => "transpose";

    public override void Forward() => walk.Gather(Inputs[0].Data, Output.Data);

    public override void Backward()
    {
        if (NeedsGrad(0)) walk.ScatterAdd(Output.Grad!.Data, Inputs[0].Grad!.Data);
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
