using Nabla.Kernels;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes the convolutional layers as ONNX. Nabla's tensors are channels-last and ONNX's Conv and pooling
/// operators channels-first, so each such layer is wrapped in a pair of Transposes (runtimes cancel adjacent
/// pairs); its kernel is stored in ONNX's [out, in, kh, kw] layout and its paddings are the explicit ones Nabla
/// computes (TensorFlow's "same" split). Global pooling, padding, reshaping and the activation layers work on the
/// channels-last tensor directly.
/// </summary>
internal static class OnnxConvLayers
{
    public static bool Handles(Layer layer) =>
        layer is BaseConv or BasePooling or BaseGlobalPooling or ZeroPadding2D or Reshape or ActivationFunctionLayer;

    /// <summary>The activation a layer applies, for the exporter's support check; null when none.</summary>
    public static Activations.Activation? ActivationOf(Layer layer) => layer switch
    {
        BaseConv conv => conv.Activation,
        ActivationFunctionLayer a => a.Function,
        _ => null,
    };

    public static string Emit(OnnxGraphBuilder g, Layer layer, string x) => layer switch
    {
        BaseConv conv => OnnxActivations.Emit(g, conv.Activation, EmitConv(g, conv, x), conv.Name, conv.Name),
        BasePooling pool => EmitPooling(g, pool, x),
        BaseGlobalPooling global => g.Node(global.IsMax ? "ReduceMax" : "ReduceMean", global.Name, [x],
            Ints("axes", [.. Enumerable.Range(1, global.Rank).Select(a => (long)a)]), Int("keepdims", global.Keepdims ? 1 : 0)),
        ZeroPadding2D pad => g.Node("Pad", pad.Name, [x, g.Int64Initializer($"{pad.Name}/pads",
            [0, pad.Padding.Top, pad.Padding.Left, 0, 0, pad.Padding.Bottom, pad.Padding.Right, 0])]),
        // Shape entry 0 copies the batch size; a -1 is inferred, as in Keras's target_shape.
        Reshape reshape => g.Node("Reshape", reshape.Name,
            [x, g.Int64Initializer($"{reshape.Name}/shape", [0, .. reshape.TargetShape.Select(d => (long)d)])]),
        ActivationFunctionLayer a => OnnxActivations.Emit(g, a.Function, x, a.Name, a.Name),
        _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
    };

    private static string EmitConv(OnnxGraphBuilder g, BaseConv conv, string x)
    {
        var geometry = conv.BuiltGeometry;
        int rank = conv.Rank;
        var kernel = conv.Kernel;
        // Keras [k..., in / groups, out] → ONNX [out, in / groups, k...], ONNX's layout for a grouped Conv too.
        int[] window = geometry.KernelSpatial(rank);
        int spatial = window.Aggregate(1, (a, b) => a * b), inChannels = geometry.Channels / conv.Groups, filters = conv.Filters;
        var onnxKernel = SpatialAxesLast(kernel, spatial, inChannels, filters);
        string w = g.Initializer($"{conv.Name}/kernel_oihw", [filters, inChannels, .. window], onnxKernel);
        var inputs = conv.Bias is Tensor b ? new[] { ChannelsFirst(g, conv.Name, x, rank), w, g.Weight(b) } : [ChannelsFirst(g, conv.Name, x, rank), w];
        string y = g.Node("Conv", conv.Name, inputs,
            Ints("kernel_shape", Longs(window)),
            Ints("strides", Spatial(rank, geometry.StrideDepth, geometry.StrideHeight, geometry.StrideWidth)),
            Ints("dilations", Spatial(rank, geometry.DilationDepth, geometry.DilationHeight, geometry.DilationWidth)),
            Ints("pads", Pads(rank, geometry)), Int("group", conv.Groups));
        return ChannelsLast(g, conv.Name, y, rank);
    }

    private static string EmitPooling(OnnxGraphBuilder g, BasePooling pool, string x)
    {
        var geometry = pool.BuiltGeometry;
        int rank = pool.Rank;
        var attributes = new List<Proto.AttributeProto>
        {
            Ints("kernel_shape", Longs(geometry.KernelSpatial(rank))),
            Ints("strides", Spatial(rank, geometry.StrideDepth, geometry.StrideHeight, geometry.StrideWidth)),
            Ints("pads", Pads(rank, geometry)),
        };
        // Keras averages only the cells inside the input.
        if (!pool.IsMax) attributes.Add(Int("count_include_pad", 0));
        string y = g.Node(pool.IsMax ? "MaxPool" : "AveragePool", pool.Name, [ChannelsFirst(g, pool.Name, x, rank)], [.. attributes]);
        return ChannelsLast(g, pool.Name, y, rank);
    }

    /// <summary>A Keras kernel [spatial, middle, last] (the window's cells first, as Keras stores every convolution
    /// kernel) reordered to ONNX's [last, middle, spatial]: [out, in, k...] for Conv, [in, out, k...] for ConvTranspose.</summary>
    internal static float[] SpatialAxesLast(Tensor kernel, int spatial, int middle, int last)
    {
        var result = new float[kernel.Size];
        for (int s = 0; s < spatial; s++)
            for (int m = 0; m < middle; m++)
                for (int l = 0; l < last; l++)
                    result[(l * middle + m) * spatial + s] = kernel.Data[(s * middle + m) * last + l];
        return result;
    }

    internal static long[] Longs(int[] values) => [.. values.Select(v => (long)v)];

    /// <summary>The last <paramref name="rank"/> of (depth, height, width).</summary>
    internal static long[] Spatial(int rank, int depth, int height, int width) => rank switch
    {
        1 => [width],
        2 => [height, width],
        _ => [depth, height, width],
    };

    /// <summary>ONNX pads: all the "begin" paddings, then all the "end" ones.</summary>
    internal static long[] Pads(int rank, ConvGeometry g) =>
        [.. Spatial(rank, g.PadFront, g.PadTop, g.PadLeft), .. Spatial(rank, g.PadBack, g.PadBottom, g.PadRight)];

    /// <summary>Channels-last [batch, spatial..., c] to ONNX's [batch, c, spatial...].</summary>
    internal static string ChannelsFirst(OnnxGraphBuilder g, string name, string x, int rank) =>
        g.Node("Transpose", name, [x], Ints("perm", [0, rank + 1, .. Enumerable.Range(1, rank).Select(a => (long)a)]));

    /// <summary>ONNX's [batch, c, spatial...] back to channels-last.</summary>
    internal static string ChannelsLast(OnnxGraphBuilder g, string name, string x, int rank) =>
        g.Node("Transpose", name, [x], Ints("perm", [0, .. Enumerable.Range(2, rank).Select(a => (long)a), 1]));
}
