using Nabla.Kernels;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes DepthwiseConv1D/2D (a Conv with one group per input channel), SeparableConv1D/2D (that Conv, then a Conv of
/// window 1) and Conv1D/2D/3DTranspose (ConvTranspose) as ONNX, channels-first between a pair of Transposes as the other
/// convolutions; the 1-D layers as ONNX's 1-D Conv. A transposed convolution's output is Keras's window of the full transposed
/// convolution: the top padding of the convolution that maps it back is ONNX's begin pad, and cells past the full
/// output (a stride above the kernel, or Keras's output_padding) are its output_padding.
/// </summary>
internal static class OnnxSpecialConvLayers
{
    public static bool Handles(Layer layer) => layer is BaseDepthwiseConv or BaseConvTranspose;

    public static Activations.Activation? ActivationOf(Layer layer) => layer switch
    {
        BaseDepthwiseConv d => d.Activation,
        BaseConvTranspose t => t.Activation,
        _ => null,
    };

    public static string Emit(OnnxGraphBuilder g, Layer layer, string x)
    {
        int rank = layer switch { BaseDepthwiseConv conv => conv.Rank, BaseConvTranspose transposed => transposed.Rank, _ => 2 };
        string channelsFirst = OnnxConvLayers.ChannelsFirst(g, layer.Name, x, rank);
        var (y, activation) = layer switch
        {
            BaseSeparableConv s => (Pointwise(g, s, Depthwise(g, s, channelsFirst, null)), s.Activation),
            BaseDepthwiseConv d => (Depthwise(g, d, channelsFirst, d.Bias), d.Activation),
            BaseConvTranspose t => (Transposed(g, t, channelsFirst), t.Activation),
            _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
        };
        return OnnxActivations.Emit(g, activation, OnnxConvLayers.ChannelsLast(g, layer.Name, y, rank), layer.Name, layer.Name);
    }

    /// <summary>Keras's depthwise kernel [k..., channels, multiplier] as ONNX's [channels·multiplier, 1, k...].</summary>
    private static string Depthwise(OnnxGraphBuilder g, BaseDepthwiseConv layer, string x, Tensor? bias)
    {
        var kernel = layer.DepthwiseKernel;
        var geometry = layer.BuiltGeometry;
        int rank = layer.Rank;
        int[] window = geometry.KernelSpatial(rank);
        int cells = window.Aggregate(1, (a, b) => a * b), channels = geometry.Channels, multiplier = layer.DepthMultiplier;
        // Output channel c·multiplier + m is one [cells, 1, channels·multiplier] kernel's last axis.
        var weights = OnnxConvLayers.SpatialAxesLast(kernel, cells, 1, channels * multiplier);
        string w = g.Initializer($"{layer.Name}/depthwise_kernel_oihw", [channels * multiplier, 1, .. window], weights);
        return g.Node("Conv", layer.Name, bias is null ? [x, w] : [x, w, g.Weight(bias)], Int("group", channels),
            Ints("kernel_shape", OnnxConvLayers.Longs(window)),
            Ints("strides", OnnxConvLayers.Spatial(rank, geometry.StrideDepth, geometry.StrideHeight, geometry.StrideWidth)),
            Ints("dilations", OnnxConvLayers.Spatial(rank, geometry.DilationDepth, geometry.DilationHeight, geometry.DilationWidth)),
            Ints("pads", OnnxConvLayers.Pads(rank, geometry)));
    }

    /// <summary>The convolution of window 1: Keras's [1..., in, filters] as ONNX's [filters, in, 1...].</summary>
    private static string Pointwise(OnnxGraphBuilder g, BaseSeparableConv layer, string x)
    {
        var kernel = layer.PointwiseKernel;
        int inChannels = kernel.Shape[^2], filters = kernel.Shape[^1];
        int[] ones = [.. Enumerable.Repeat(1, layer.Rank)];
        var weights = OnnxConvLayers.SpatialAxesLast(kernel, 1, inChannels, filters);
        string w = g.Initializer($"{layer.Name}/pointwise_kernel_oihw", [filters, inChannels, .. ones], weights);
        return g.Node("Conv", layer.Name, layer.Bias is Tensor b ? [x, w, g.Weight(b)] : [x, w], Ints("kernel_shape", OnnxConvLayers.Longs(ones)));
    }

    /// <summary>Keras's [k..., filters, in] kernel is ONNX ConvTranspose's [in, filters, k...]; a 1-D or 2-D layer's
    /// geometry has height and depth 1 (or depth 1), whose last axes alone are written.</summary>
    private static string Transposed(OnnxGraphBuilder g, BaseConvTranspose layer, string x)
    {
        var kernel = layer.Kernel;
        var geometry = layer.BuiltGeometry;
        int rank = layer.Rank;
        int[] window = kernel.Shape[..^2];
        int filters = kernel.Shape[^2], inChannels = kernel.Shape[^1];
        var weights = OnnxConvLayers.SpatialAxesLast(kernel, window.Aggregate(1, (a, b) => a * b), filters, inChannels);
        string w = g.Initializer($"{layer.Name}/kernel_iohw", [inChannels, filters, .. window], weights);
        // Keras keeps [pad_begin, pad_begin + out) of the full result, (in − 1)·stride + dilated kernel long: what
        // remains past its end is ONNX's end pad, what it lacks there (positive) ONNX's output_padding.
        static int End(int input, int k, int stride, int dilation, int before, int output) =>
            (input - 1) * stride + (k - 1) * dilation + 1 - before - output;
        long[] ends = OnnxConvLayers.Spatial(rank,
            End(geometry.OutDepth, geometry.KernelDepth, geometry.StrideDepth, geometry.DilationDepth, geometry.PadFront, geometry.InDepth),
            End(geometry.OutHeight, geometry.KernelHeight, geometry.StrideHeight, geometry.DilationHeight, geometry.PadTop, geometry.InHeight),
            End(geometry.OutWidth, geometry.KernelWidth, geometry.StrideWidth, geometry.DilationWidth, geometry.PadLeft, geometry.InWidth));
        return g.Node("ConvTranspose", layer.Name, layer.Bias is Tensor b ? [x, w, g.Weight(b)] : [x, w],
            Ints("kernel_shape", OnnxConvLayers.Longs(window)),
            Ints("strides", OnnxConvLayers.Spatial(rank, geometry.StrideDepth, geometry.StrideHeight, geometry.StrideWidth)),
            Ints("dilations", OnnxConvLayers.Spatial(rank, geometry.DilationDepth, geometry.DilationHeight, geometry.DilationWidth)),
            Ints("pads", [.. OnnxConvLayers.Spatial(rank, geometry.PadFront, geometry.PadTop, geometry.PadLeft), .. ends.Select(e => Math.Max(e, 0))]),
            Ints("output_padding", [.. ends.Select(e => Math.Max(-e, 0))]));
    }
}
