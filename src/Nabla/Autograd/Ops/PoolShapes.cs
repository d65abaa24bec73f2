using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>Shape checks shared by the channels-last pooling and padding ops (1-D inputs are height 1).</summary>
internal static class PoolShapes
{
    /// <summary>The output shape of a pooling window over <paramref name="x"/>, after checking x against the geometry.</summary>
    public static int[] Output(string op, Tensor x, ConvGeometry g)
    {
        bool oneD = x.Rank == 3;
        int[] expected = oneD ? [g.InWidth, g.Channels] : [g.InHeight, g.InWidth, g.Channels];
        if ((x.Rank != 3 && x.Rank != 4) || (oneD && g.InHeight != 1) || !x.Shape.AsSpan(1).SequenceEqual(expected))
            throw new ArgumentException(
                $"{op}: inputs {Tensor.ShapeString(x.Shape)} do not match the geometry's [batch, {string.Join(", ", expected)}].");
        return oneD ? [x.Shape[0], g.OutWidth, g.Channels] : [x.Shape[0], g.OutHeight, g.OutWidth, g.Channels];
    }
}
