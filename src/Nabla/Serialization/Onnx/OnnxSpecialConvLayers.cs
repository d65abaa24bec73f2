using Nabla.Kernels;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes DepthwiseConv2D (a Conv with one group per input channel), SeparableConv2D (that Conv, then a 1×1 Conv) and
/// Conv2DTranspose (ConvTranspose) as ONNX, channels-first between a pair of Transposes as the other convolutions.
/// Conv2DTranspose's output is Keras's window of the full transposed convolution: the top padding of the convolution
/// that maps it back is ONNX's begin pad, and cells past the full output (a stride above the kernel) are its
/// output_padding.
/// </summary>
internal static class OnnxSpecialConvLayers
{
    public static bool Handles(Layer layer) => layer is DepthwiseConv2D or SeparableConv2D or Conv2DTranspose;

    public static Activations.Activation? ActivationOf(Layer layer) => layer switch
    {
        DepthwiseConv2D d => d.Activation,
        SeparableConv2D s => s.Activation,
        Conv2DTranspose t => t.Activation,
        _ => null,
    };

    public static string Emit(OnnxGraphBuilder g, Layer layer, string x)
    {
        string nchw = g.Node("Transpose", layer.Name, [x], Ints("perm", 0, 3, 1, 2));
        var (y, activation) = layer switch
        {
            DepthwiseConv2D d => (Depthwise(g, d.Name, nchw, d.BuiltGeometry, d.DepthwiseKernel, d.Bias), d.Activation),
            SeparableConv2D s => (Pointwise(g, s, Depthwise(g, s.Name, nchw, s.BuiltGeometry, s.DepthwiseKernel, null)), s.Activation),
            Conv2DTranspose t => (Transposed(g, t, nchw), t.Activation),
            _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
        };
        return OnnxActivations.Emit(g, activation, g.Node("Transpose", layer.Name, [y], Ints("perm", 0, 2, 3, 1)), layer.Name, layer.Name);
    }

    /// <summary>Keras's depthwise kernel [kh, kw, channels, multiplier] as ONNX's [channels·multiplier, 1, kh, kw].</summary>
    private static string Depthwise(OnnxGraphBuilder g, string name, string x, ConvGeometry geometry, Tensor kernel, Tensor? bias)
    {
        int kh = kernel.Shape[0], kw = kernel.Shape[1], channels = kernel.Shape[2], multiplier = kernel.Shape[3];
        // Output channel c·multiplier + m is one [kh·kw, 1, channels·multiplier] kernel's last axis.
        var weights = OnnxConvLayers.SpatialAxesLast(kernel, kh * kw, 1, channels * multiplier);
        string w = g.Initializer($"{name}/depthwise_kernel_oihw", [channels * multiplier, 1, kh, kw], weights);
        return g.Node("Conv", name, bias is null ? [x, w] : [x, w, g.Weight(bias)], Int("group", channels),
            Ints("kernel_shape", kh, kw), Ints("strides", geometry.StrideHeight, geometry.StrideWidth),
            Ints("dilations", geometry.DilationHeight, geometry.DilationWidth),
            Ints("pads", geometry.PadTop, geometry.PadLeft, geometry.PadBottom, geometry.PadRight));
    }

    /// <summary>The 1×1 convolution: Keras's [1, 1, in, filters] as ONNX's [filters, in, 1, 1].</summary>
    private static string Pointwise(OnnxGraphBuilder g, SeparableConv2D layer, string x)
    {
        var kernel = layer.PointwiseKernel;
        int inChannels = kernel.Shape[2], filters = kernel.Shape[3];
        var weights = OnnxConvLayers.SpatialAxesLast(kernel, 1, inChannels, filters);
        string w = g.Initializer($"{layer.Name}/pointwise_kernel_oihw", [filters, inChannels, 1, 1], weights);
        return g.Node("Conv", layer.Name, layer.Bias is Tensor b ? [x, w, g.Weight(b)] : [x, w], Ints("kernel_shape", 1, 1));
    }

    /// <summary>Keras's [kh, kw, filters, in] kernel is ONNX ConvTranspose's [in, filters, kh, kw].</summary>
    private static string Transposed(OnnxGraphBuilder g, Conv2DTranspose layer, string x)
    {
        var kernel = layer.Kernel;
        var geometry = layer.BuiltGeometry;
        int kh = kernel.Shape[0], kw = kernel.Shape[1], filters = kernel.Shape[2], inChannels = kernel.Shape[3];
        var weights = OnnxConvLayers.SpatialAxesLast(kernel, kh * kw, filters, inChannels);
        string w = g.Initializer($"{layer.Name}/kernel_iohw", [inChannels, filters, kh, kw], weights);
        // Full length (in − 1)·stride + dilated kernel; Keras keeps [pad_begin, pad_begin + out).
        long Full(int input, int k, int stride, int dilation) => (long)(input - 1) * stride + (long)(k - 1) * dilation + 1;
        long fullHeight = Full(geometry.OutHeight, kh, geometry.StrideHeight, geometry.DilationHeight);
        long fullWidth = Full(geometry.OutWidth, kw, geometry.StrideWidth, geometry.DilationWidth);
        long endHeight = fullHeight - geometry.PadTop - geometry.InHeight, endWidth = fullWidth - geometry.PadLeft - geometry.InWidth;
        return g.Node("ConvTranspose", layer.Name, layer.Bias is Tensor b ? [x, w, g.Weight(b)] : [x, w],
            Ints("kernel_shape", kh, kw), Ints("strides", geometry.StrideHeight, geometry.StrideWidth),
            Ints("dilations", geometry.DilationHeight, geometry.DilationWidth),
            Ints("pads", geometry.PadTop, geometry.PadLeft, Math.Max(endHeight, 0), Math.Max(endWidth, 0)),
            Ints("output_padding", Math.Max(-endHeight, 0), Math.Max(-endWidth, 0)));
    }
}
