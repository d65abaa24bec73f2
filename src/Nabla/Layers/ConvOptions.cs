using Nabla.Kernels;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// The options the convolution, pooling and padding layers share, read and checked the same way from C#
/// arguments and from Keras configs: padding names, int-or-list sizes, and the Keras options Nabla does not implement,
/// refused by name rather than ignored (data_format: <see cref="ImageLayout"/>).
/// </summary>
internal static class ConvOptions
{
    public static ConvPadding ParsePadding(string layer, string? padding, bool allowCausal) => padding?.ToLowerInvariant() switch
    {
        "valid" => ConvPadding.Valid,
        "same" => ConvPadding.Same,
        "causal" when allowCausal => ConvPadding.Causal,
        _ => throw new ArgumentException(
            $"{layer}: 'padding' must be {(allowCausal ? "\"valid\", \"same\" or \"causal\"" : "\"valid\" or \"same\"")}, " +
            $"found {Config.Describe(padding)}.", nameof(padding)),
    };

    public static string PaddingName(ConvPadding padding) => padding.ToString().ToLowerInvariant();

    /// <summary>Keras's checks of a convolution's <c>groups</c>: at least 1, and a divisor of the filters (the input
    /// channels are checked when the layer is built).</summary>
    public static void CheckConvGroups(string layer, int groups, int filters)
    {
        if (groups < 1) throw new ArgumentException($"{layer}: 'groups' must be a positive integer, found {groups}.", nameof(groups));
        if (filters % groups != 0)
            throw new ArgumentException(
                $"{layer}: the number of filters must be evenly divisible by the number of groups; found groups = {groups}, filters = {filters}.",
                nameof(groups));
    }

    /// <summary>Transposed convolutions take groups = 1 only.</summary>
    public static void CheckGroups(string layer, int groups)
    {
        if (groups != 1)
            throw new ArgumentException($"{layer}: 'groups' = {groups} (grouped convolution) is not supported; only groups = 1.", nameof(groups));
    }

    /// <summary>A size written as an int or a list of <paramref name="rank"/> ints (Keras writes lists; Keras 2
    /// and hand-written configs may hold a single int). Null or absent gives <paramref name="fallback"/>.</summary>
    public static int[]? ReadSize(Config config, string key, int rank, string layer, int[]? fallback = null)
    {
        if (!config.TryGet(key, out var value)) return fallback;
        int[] size = value is IEnumerable<object?> && value is not string
            ? config.GetIntArray(key)!
            : Enumerable.Repeat(config.GetInt(key), rank).ToArray();
        if (size.Length != rank)
            throw new ArgumentException($"{layer}: '{key}' must hold {rank} integer(s), found {Config.Describe(value)}.");
        return size;
    }

    /// <summary>Checks that a per-sample shape has <paramref name="rank"/> spatial axes and one of channels, in the
    /// layer's layout: [steps, channels] (rank 1), [height, width, channels] (rank 2), [depth, height, width, channels]
    /// (rank 3), or the channels first.</summary>
    public static void CheckSpatialRank(Layer layer, int rank, int[] inputShape, ImageLayout layout = default)
    {
        if (inputShape.Length != rank + 1)
            throw new ArgumentException(
                $"Layer '{layer.Name}' ({layer.ClassName}) needs inputs of rank {rank + 2} ({layout.Describe(rank)}), " +
                $"found per-sample shape {Layer.Describe(inputShape)}.");
    }

    /// <summary>The window geometry of a 1-D or 2-D layer over a per-sample input shape (1-D is height 1).</summary>
    public static ConvGeometry Geometry(Layer layer, int rank, int[] inputShape, Size2D window, Size2D strides, Size2D dilation,
        ConvPadding padding) =>
        Geometry(layer, rank, inputShape, Size3D.Flat(window), Size3D.Flat(strides), Size3D.Flat(dilation), padding);

    /// <summary>The window geometry of a 1-D, 2-D or 3-D layer over a per-sample input shape (1-D is height 1, 2-D depth 1).</summary>
    public static ConvGeometry Geometry(Layer layer, int rank, int[] inputShape, Size3D window, Size3D strides, Size3D dilation,
        ConvPadding padding)
    {
        CheckSpatialRank(layer, rank, inputShape);
        string what = $"{layer.ClassName} '{layer.Name}'";
        if (rank == 3)
            return ConvGeometry.Create(what, inputShape[0], inputShape[1], inputShape[2], inputShape[3],
                window.Triple, strides.Triple, dilation.Triple, padding);
        int height = rank == 2 ? inputShape[0] : 1;
        return ConvGeometry.Create(what, height, inputShape[rank - 1], inputShape[rank],
            window.Plane.Pair, strides.Plane.Pair, dilation.Plane.Pair, padding);
    }

    /// <summary>
    /// The output shape of a convolution or pooling of <paramref name="rank"/> spatial axes whose input may leave some of
    /// them unknown (Keras's None, a sequence or image size that comes with the data): the known axes computed by
    /// <paramref name="outputShapeOf"/>, the unknown ones unknown. An unknown axis is stood in for by one window's span,
    /// which every padding accepts, so that the known axes are still checked.
    /// </summary>
    public static int[] OutputShapeWithUnknownAxes(int[] inputShape, int rank, Size3D window, Size3D dilation, Func<int[], int[]> outputShapeOf)
    {
        if (Array.IndexOf(inputShape, Layer.UnknownDimension) < 0) return outputShapeOf(inputShape);
        var standIn = (int[])inputShape.Clone();
        int[] windows = window.Last(rank), dilations = dilation.Last(rank);
        for (int axis = 0; axis < rank && axis < standIn.Length; axis++)
            if (standIn[axis] == Layer.UnknownDimension) standIn[axis] = (windows[axis] - 1) * dilations[axis] + 1;
        var output = outputShapeOf(standIn);
        for (int axis = 0; axis < rank && axis < inputShape.Length; axis++)
            if (inputShape[axis] == Layer.UnknownDimension) output[axis] = Layer.UnknownDimension;
        return output;
    }

    /// <summary>The message for a layer asked for its one geometry while its input leaves a spatial axis to the data.</summary>
    public static InvalidOperationException NoFixedGeometry(Layer layer) => new(
        $"Layer '{layer.Name}' ({layer.ClassName}) has an input axis of unknown length (None): its window positions come with " +
        "each call's data, so it has no one geometry (ONNX export needs one; give the Input a fixed length).");

    public static List<object?> ToList(params int[] values) => values.Select(v => (object?)(long)v).ToList();
}
