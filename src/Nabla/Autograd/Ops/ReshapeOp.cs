using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Same values, new shape (one dimension may be −1: inferred from the others).</summary>
internal sealed class ReshapeOp(Tensor x, int[] shape) : Op([x], Resolve(x.Shape, shape))
{
    public override string Name => "reshape";

    public override void Forward() => Inputs[0].Data.CopyTo(Output.Data, 0);

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dx = Inputs[0].Grad!.Data;
        TensorPrimitives.Add(dx, Output.Grad!.Data, dx);
    }

    /// <summary>Replaces a single −1 by the size that keeps the element count.</summary>
    internal static int[] Resolve(int[] from, int[] to)
    {
        ArgumentNullException.ThrowIfNull(to);
        long size = Tensor.ElementCount(from), known = 1;
        int inferred = -1;
        for (int i = 0; i < to.Length; i++)
        {
            if (to[i] == -1)
            {
                if (inferred >= 0)
                    throw new ArgumentException($"reshape: target shape {Tensor.ShapeString(to)} has more than one -1.", nameof(to));
                inferred = i;
            }
            else if (to[i] < 0)
                throw new ArgumentException($"reshape: target shape {Tensor.ShapeString(to)} has a negative dimension other than -1.", nameof(to));
            else known *= to[i];
        }
        var result = (int[])to.Clone();
        if (inferred >= 0)
        {
            if (known == 0 || size % known != 0)
                throw new ArgumentException(
                    $"reshape: cannot infer the -1 in {Tensor.ShapeString(to)} for {size} elements (from {Tensor.ShapeString(from)}).", nameof(to));
            result[inferred] = (int)(size / known);
        }
        else if (known != size)
            throw new ArgumentException(
                $"reshape: cannot reshape {Tensor.ShapeString(from)} ({size} elements) to {Tensor.ShapeString(to)} ({known} elements).", nameof(to));
        return result;
    }
}
