using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>Shape checks shared by the channels-last convolution and pooling ops: an input of rank 3, 4 or 5 is a
/// 1-D, 2-D or 3-D batch (a 1-D geometry has height 1, a 1-D or 2-D one depth 1).</summary>
internal static class PoolShapes
{
    /// <summary>The output shape of a pooling window over <paramref name="x"/>, after checking x against the geometry.</summary>
    public static int[] Output(string op, Tensor x, ConvGeometry g)
    {
        CheckInput(op, x, g);
        return [x.Shape[0], .. g.OutSpatial(x.Rank - 2), g.Channels];
    }

    /// <summary>Throws unless <paramref name="x"/> is [batch, spatial..., channels] of the geometry's input.</summary>
    public static void CheckInput(string op, Tensor x, ConvGeometry g)
    {
        int spatial = x.Rank - 2;
        if (!g.FitsSpatialRank(spatial) || !x.Shape.AsSpan(1, spatial).SequenceEqual(g.InSpatial(spatial)) || x.Shape[^1] != g.Channels)
            throw new ArgumentException(
                $"{op}: inputs {Tensor.ShapeString(x.Shape)} do not match the geometry's " +
                $"[batch, {string.Join(", ", g.InSpatial(Math.Clamp(spatial, 1, 3)))}, {g.Channels}].");
    }

    /// <summary>The op's name for its input's rank: <paramref name="stem"/> + "1d", "2d" or "3d".</summary>
    public static string Name(string stem, int inputRank) => $"{stem}{inputRank - 2}d";
}
