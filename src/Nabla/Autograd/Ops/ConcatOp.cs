using System.Numerics.Tensors;
using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Joins tensors along one axis; every other dimension must agree.</summary>
internal sealed class ConcatOp : Op
{
    private readonly int outer;       // product of the dims before the axis
    private readonly int[] chunks;    // per input: elements per outer index (its axis length × inner)
    private readonly int[] offsets;   // per input: where its chunk starts inside an output chunk
    private readonly int outChunk;

    private ConcatOp(Tensor[] inputs, int axis) : base(inputs, OutputShape(inputs, axis))
    {
        int inner = (int)Tensor.ElementCount(Output.Shape.AsSpan(axis + 1));
        outer = (int)Tensor.ElementCount(Output.Shape.AsSpan(0, axis));
        chunks = inputs.Select(t => t.Shape[axis] * inner).ToArray();
        offsets = new int[inputs.Length];
        for (int k = 1; k < inputs.Length; k++) offsets[k] = offsets[k - 1] + chunks[k - 1];
        outChunk = Output.Shape[axis] * inner;
    }

    public static ConcatOp Create(Tensor[] inputs, int axis)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException("concat: needs at least one tensor.", nameof(inputs));
        return new ConcatOp((Tensor[])inputs.Clone(), Axes.Normalize(axis, inputs[0].Rank, "concat"));
    }

    public override string Name => "concat";

    public override void Forward()
    {
        var y = Output.Data;
        for (int k = 0; k < Inputs.Length; k++)
        {
            var x = Inputs[k].Data;
            for (int o = 0; o < outer; o++)
                x.AsSpan(o * chunks[k], chunks[k]).CopyTo(y.AsSpan(o * outChunk + offsets[k], chunks[k]));
        }
    }

    public override void Backward()
    {
        var dy = Output.Grad!.Data;
        for (int k = 0; k < Inputs.Length; k++)
        {
            if (!NeedsGrad(k)) continue;
            var dx = Inputs[k].Grad!.Data;
            for (int o = 0; o < outer; o++)
            {
                var d = dx.AsSpan(o * chunks[k], chunks[k]);
                TensorPrimitives.Add(d, dy.AsSpan(o * outChunk + offsets[k], chunks[k]), d);
            }
        }
    }

    private static int[] OutputShape(Tensor[] inputs, int axis)
    {
        var shape = (int[])inputs[0].Shape.Clone();
        for (int k = 1; k < inputs.Length; k++)
        {
            var s = inputs[k].Shape;
            bool compatible = s.Length == shape.Length;
            for (int i = 0; compatible && i < s.Length; i++)
                compatible = i == axis || s[i] == shape[i];
            if (!compatible)
                throw new ArgumentException(
                    $"concat: tensor {k} has shape {Tensor.ShapeString(s)}, which does not match tensor 0's " +
                    $"{Tensor.ShapeString(inputs[0].Shape)} outside axis {axis}.", nameof(inputs));
            shape[axis] += s[axis];
        }
        return shape;
    }
}
