namespace Nabla.Layers;

/// <summary>
/// The one axis a normalization layer keeps per feature (Keras's <c>axis</c>, counted with the batch axis as 0 and from
/// the end when negative): the last by default, 1 for channels-first images. The layers compute over the last axis;
/// another kept axis is moved last for the computation and back (<see cref="ImageLayout.Move"/>).
/// </summary>
internal readonly record struct FeatureAxis(int Axis)
{
    /// <summary>The axis counted from the front, for inputs of <paramref name="rank"/> axes (the batch's included).</summary>
    public int Resolve(int rank) => Axis < 0 ? Axis + rank : Axis;

    /// <summary>Checks that the axis names one of a per-sample shape's axes, not the batch's.</summary>
    public void Check(string layer, int[] perSample)
    {
        int rank = perSample.Length + 1, axis = Resolve(rank);
        if (axis < 1 || axis >= rank)
            throw new ArgumentException(
                $"{layer}: 'axis' {Axis} for inputs {Layer.Describe(perSample)} must name one of axes 1 to {rank - 1} (or -1 to " +
                $"-{rank - 1} from the end), counting the batch axis as 0: one statistic per entry of that axis.");
    }

    /// <summary>How many features a per-sample shape has on the axis.</summary>
    public int Features(int[] perSample) => perSample[Resolve(perSample.Length + 1) - 1];

    /// <summary>Every per-sample axis but the kept one may be unknown (an image of any size).</summary>
    public bool MayBeUnknown(int axis, int perSampleRank) => axis != Resolve(perSampleRank + 1) - 1;

    /// <summary>The permutation that moves the axis last in a batch of <paramref name="rank"/> axes; null when it is last.</summary>
    public int[]? ToLastOrder(int rank) => ImageLayout.AxisLastOrder(rank, Resolve(rank));

    /// <summary>Runs a computation over the last axis on <paramref name="inputs"/>, the kept axis moved there and back.</summary>
    public Tensor Call(Tensor inputs, Func<Tensor, Tensor> lastAxis)
    {
        if (ToLastOrder(inputs.Rank) is not { } order) return lastAxis(inputs);
        return ImageLayout.Move(lastAxis(ImageLayout.Move(inputs, order)), Tensor.InversePermutation(order));
    }
}
