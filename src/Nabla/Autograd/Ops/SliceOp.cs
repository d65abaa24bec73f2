using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>A box of the input: along each axis, <c>lengths[i]</c> elements from <c>starts[i]</c>.</summary>
internal sealed class SliceOp : Op
{
    private readonly StridedWalk walk; // operand 0: the output; operand 1: the input from the box's corner

    public SliceOp(Tensor x, int[] starts, int[] lengths) : base([x], Validate(x.Shape, starts, lengths))
    {
        var inputStrides = StridedWalk.ContiguousStrides(x.Shape);
        int corner = 0;
        for (int i = 0; i < starts.Length; i++) corner += starts[i] * inputStrides[i];
        walk = new StridedWalk(Output.Shape, [StridedWalk.ContiguousStrides(Output.Shape), inputStrides], [0, corner]);
    }

    public override string Name => "slice";

    public override void Forward() => walk.Gather(Inputs[0].Data, Output.Data);

    public override void Backward()
    {
        if (NeedsGrad(0)) walk.ScatterAdd(Output.Grad!.Data, Inputs[0].Grad!.Data);
    }

    private static int[] Validate(int[] shape, int[] starts, int[] lengths)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(lengths);
        if (starts.Length != shape.Length || lengths.Length != shape.Length)
            throw new ArgumentException(
                $"slice: a tensor of shape {Tensor.ShapeString(shape)} needs {shape.Length} starts and lengths; " +
                $"got {starts.Length} starts and {lengths.Length} lengths.", nameof(starts));
        for (int i = 0; i < shape.Length; i++)
            if (starts[i] < 0 || lengths[i] < 0 || starts[i] + lengths[i] > shape[i])
                throw new ArgumentOutOfRangeException(nameof(starts),
                    $"slice: axis {i} of shape {Tensor.ShapeString(shape)} has {shape[i]} elements; " +
                    $"start {starts[i]} with length {lengths[i]} does not fit.");
        return (int[])lengths.Clone();
    }
}
