using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>SeparableConv2D</c> (Xception's convolution): a depthwise convolution (each channel with its own
/// <c>depthMultiplier</c> filters, kernel [kh, kw, channels, depth_multiplier]), then a 1×1 convolution that mixes the
/// channels into <c>filters</c> (kernel [1, 1, channels·depth_multiplier, filters]), then the bias and the activation.
/// Weights in Keras's order: depthwise_kernel, pointwise_kernel, bias.
/// </summary>
public sealed class SeparableConv2D : BaseSeparableConv
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    public SeparableConv2D(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", int depthMultiplier = 1,
        Size2D? dilationRate = null, string? activation = null, bool useBias = true, string depthwiseInitializer = "glorot_uniform",
        string pointwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", string? biasRegularizer = null,
        int[]? inputShape = null, string? name = null, string? dataFormat = null)
        : base(2, NamedArgs(name, inputShape, Size3D.Flat(kernelSize), Size3D.Flat(strides ?? 1), padding, depthMultiplier, dataFormat,
                Size3D.Flat(dilationRate ?? 1), activation, useBias, depthwiseInitializer, biasInitializer, null, biasRegularizer),
            new(filters, Initializer.Get(pointwiseInitializer)))
    {
    }

    public SeparableConv2D(int filters, Size2D kernelSize, Size2D strides, string padding, int depthMultiplier, Size2D dilationRate,
        ActivationFunction activation, bool useBias, Initializer depthwiseInitializer, Initializer pointwiseInitializer,
        Initializer biasInitializer, Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat)
        : base(2, new Args(name, inputShape, Size3D.Flat(kernelSize), Size3D.Flat(strides), padding, depthMultiplier, dataFormat,
                Size3D.Flat(dilationRate), activation, useBias, depthwiseInitializer, biasInitializer, null, biasRegularizer),
            new(filters, pointwiseInitializer))
    {
    }

    private SeparableConv2D((Args Depthwise, PointwiseArgs Pointwise) args) : base(2, args.Depthwise, args.Pointwise)
    {
    }

    public override string ClassName => "SeparableConv2D";

    public Size2D KernelSize => Window.KernelSize.Plane;

    public Size2D Strides => Window.Strides.Plane;

    public Size2D DilationRate => Window.DilationRate.Plane;

    public static SeparableConv2D FromConfig(Config config) => new(ReadSeparableArgs(config, 2, "SeparableConv2D"));
}
