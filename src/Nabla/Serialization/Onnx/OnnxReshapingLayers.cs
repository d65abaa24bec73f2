using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes the reshaping layers and PReLU as ONNX on the channels-last tensor: cropping as Slice, ZeroPadding1D/3D as Pad,
/// Permute as Transpose, RepeatVector as Unsqueeze then Tile, UpSampling as Resize with integer scales (nearest: each
/// output cell reads input cell floor(i / scale), as Nabla's repetition does; bilinear: half-pixel centres), Resizing as
/// Resize to the batch's own size (TensorFlow's half-pixel centres; nearest as tf_half_pixel_for_nn), CenterCrop and
/// RandomCrop (its inference) as a Slice of the window they cut, then a bilinear Resize when that is not the target size,
/// PReLU as PRelu with its alpha, which broadcasts over the batch as ONNX's slope does.
/// </summary>
internal static class OnnxReshapingLayers
{
    public static bool Handles(Layer layer) =>
        layer is Cropping1D or Cropping2D or Cropping3D or ZeroPadding1D or ZeroPadding3D or Permute or RepeatVector
            or UpSampling1D or UpSampling2D or UpSampling3D or PReLU or Resizing or CenterCrop or RandomCrop;

    public static string Emit(OnnxGraphBuilder g, Layer layer, string x) => layer switch
    {
        Cropping1D c => Slice(g, c.Name, x, [c.Cropping.Start], [c.OutputShape![0]], [1]),
        Cropping2D c => Slice(g, c.Name, x, [c.Cropping.Top, c.Cropping.Left], OnnxLayers.ChannelsLastShape(c, c.OutputShape!)[..2], [1, 2]),
        Cropping3D c => Slice(g, c.Name, x, [c.Cropping.Front, c.Cropping.Top, c.Cropping.Left], OnnxLayers.ChannelsLastShape(c, c.OutputShape!)[..3], [1, 2, 3]),
        ZeroPadding1D p => g.Node("Pad", p.Name, [x, g.Int64Initializer($"{p.Name}/pads", [0, p.Padding.Start, 0, 0, p.Padding.End, 0])]),
        ZeroPadding3D p => g.Node("Pad", p.Name, [x, g.Int64Initializer($"{p.Name}/pads",
            [0, p.Padding.Front, p.Padding.Top, p.Padding.Left, 0, 0, p.Padding.Back, p.Padding.Bottom, p.Padding.Right, 0])]),
        Permute p => g.Node("Transpose", p.Name, [x], Ints("perm", [0, .. p.Dims.Select(d => (long)d)])),
        RepeatVector r => g.Node("Tile", r.Name, [g.Node("Unsqueeze", r.Name, [x, g.Int64Initializer($"{r.Name}/axes", [1])]),
            g.Int64Initializer($"{r.Name}/repeats", [1, r.N, 1])]),
        UpSampling1D u => Resize(g, u.Name, x, [1, u.Size, 1], bilinear: false),
        UpSampling2D u => Resize(g, u.Name, x, [1, u.Size.Height, u.Size.Width, 1], u.Interpolation == "bilinear"),
        UpSampling3D u => Resize(g, u.Name, x, [1, u.Size.Depth, u.Size.Height, u.Size.Width, 1], bilinear: false),
        PReLU p => g.Node("PRelu", p.Name, [x, g.Weight(p.Alpha)]),
        Resizing { CropToAspectRatio: true } r => Cut(g, r, x, r.WindowFor(KnownSize(r, 0), KnownSize(r, 1)), r.Height, r.Width, r.Interpolation == "bilinear"),
        Resizing { PadToAspectRatio: true } r => ResizeTo(g, r.Name, PaddedToAspectRatio(g, r, x), r.Height, r.Width, OnnxLayers.ChannelsLastShape(r, r.OutputShape!)[2], r.Interpolation == "bilinear"),
        Resizing r => ResizeTo(g, r.Name, x, r.Height, r.Width, OnnxLayers.ChannelsLastShape(r, r.OutputShape!)[2], r.Interpolation == "bilinear"),
        CenterCrop c => Cut(g, c, x, c.WindowFor(KnownSize(c, 0), KnownSize(c, 1)), c.Height, c.Width),
        RandomCrop c => Cut(g, c, x, c.WindowFor(KnownSize(c, 0), KnownSize(c, 1)), c.Height, c.Width),
        _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
    };

    /// <summary>Rows [start, start + length) of each listed axis.</summary>
    private static string Slice(OnnxGraphBuilder g, string name, string x, int[] starts, int[] lengths, long[] axes) =>
        g.Node("Slice", name, [x, g.Int64Initializer($"{name}/starts", [.. starts.Select(s => (long)s)]),
            g.Int64Initializer($"{name}/ends", [.. starts.Select((s, i) => (long)s + lengths[i])]), g.Int64Initializer($"{name}/axes", axes)]);

    /// <summary>An image window (<see cref="ImageWindow.Cut"/>): its Slice, resized when not height × width.</summary>
    private static string Cut(OnnxGraphBuilder g, Layer layer, string x, ImageWindow w, int height, int width, bool bilinear = true)
    {
        string window = Slice(g, layer.Name, x, [w.Top, w.Left], [w.Height, w.Width], [1, 2]);
        return w.Height == height && w.Width == width ? window : ResizeTo(g, layer.Name, window, height, width, OnnxLayers.ChannelsLastShape(layer, layer.OutputShape!)[2], bilinear);
    }

    /// <summary>Resizing's pad_to_aspect_ratio: a constant Pad of its fill value, as many rows (or columns) on each side.</summary>
    private static string PaddedToAspectRatio(OnnxGraphBuilder g, Resizing r, string x)
    {
        var (rows, columns) = r.PaddingFor(KnownSize(r, 0), KnownSize(r, 1));
        return g.Node("Pad", r.Name, [x, g.Int64Initializer($"{r.Name}/pads", [0, rows, columns, 0, 0, rows, columns, 0]),
            g.Scalar($"{r.Name}/fill_value", r.FillValue)], Text("mode", "constant"));
    }

    /// <summary>Resize to [batch, height, width, channels], the batch read from x's shape at run time.</summary>
    private static string ResizeTo(OnnxGraphBuilder g, string name, string x, int height, int width, int channels, bool bilinear)
    {
        string batch = g.Node("Slice", name, [g.Node("Shape", name, [x]), g.Int64Initializer($"{name}/batch_start", [0]),
            g.Int64Initializer($"{name}/batch_end", [1])]);
        string sizes = g.Node("Concat", name, [batch, g.Int64Initializer($"{name}/size", [height, width, channels])], Int("axis", 0));
        // Resize's inputs: X, roi and scales (unused, empty), sizes.
        return g.Node("Resize", name, [x, "", "", sizes], bilinear
            ? [Text("mode", "linear"), Text("coordinate_transformation_mode", "half_pixel")]
            : [Text("mode", "nearest"), Text("coordinate_transformation_mode", "tf_half_pixel_for_nn"), Text("nearest_mode", "floor")]);
    }

    /// <summary>A built layer's input size on a spatial axis; an unknown one (None) cannot give fixed crop offsets.</summary>
    private static int KnownSize(Layer layer, int axis) => OnnxLayers.ChannelsLastShape(layer, layer.InputShape!)[axis] is var size && size != Layer.UnknownDimension ? size
        : throw new NotSupportedException(
            $"ONNX export: layer '{layer.Name}' ({layer.ClassName}) has an input axis of unknown length (None); its crop offsets come with the data.");

    /// <summary>Nearest: output cell i reads floor(i / scale). Bilinear: half-pixel centres, as TensorFlow's resize.</summary>
    private static string Resize(OnnxGraphBuilder g, string name, string x, int[] scales, bool bilinear) =>
        // Resize's inputs: X, roi (unused, empty), scales.
        g.Node("Resize", name, [x, "", g.Initializer($"{name}/scales", [scales.Length], [.. scales.Select(s => (float)s)])],
            bilinear
                ? [Text("mode", "linear"), Text("coordinate_transformation_mode", "half_pixel")]
                : [Text("mode", "nearest"), Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor")]);
}
