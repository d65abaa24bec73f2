using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>SeparableConv1D</c> (alias <c>SeparableConvolution1D</c>) on channels_last sequences [batch, steps,
/// channels]: a depthwise convolution along the steps (kernel [k, channels, depth_multiplier]), then a convolution of
/// window 1 that mixes the channels into <c>filters</c> (kernel [1, channels·depth_multiplier, filters]), then the bias
/// and the activation. Weights in Keras's order: depthwise_kernel, pointwise_kernel, bias. Computed as SeparableConv2D
/// of height 1.
/// </summary>
public sealed class SeparableConv1D : BaseSeparableConv
{
    /// <param name="padding">"valid" (Keras's default) or "same". Keras 3 refuses "causal" for this layer, and so does Nabla.</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    public SeparableConv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1,
        int dilationRate = 1, string? activation = null, bool useBias = true, string depthwiseInitializer = "glorot_uniform",
        string pointwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", string? biasRegularizer = null,
        int[]? inputShape = null, string? name = null, string? dataFormat = null)
        : base(1, NamedArgs(name, inputShape, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, depthMultiplier, dataFormat,
                new Size3D(1, 1, dilationRate), activation, useBias, depthwiseInitializer, biasInitializer, null, biasRegularizer),
            new(filters, Initializer.Get(pointwiseInitializer)))
    {
    }

    public SeparableConv1D(int filters, int kernelSize, int strides, string padding, int depthMultiplier, int dilationRate,
        ActivationFunction activation, bool useBias, Initializer depthwiseInitializer, Initializer pointwiseInitializer,
        Initializer biasInitializer, Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat)
        : base(1, new Args(name, inputShape, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, depthMultiplier, dataFormat,
                new Size3D(1, 1, dilationRate), activation, useBias, depthwiseInitializer, biasInitializer, null, biasRegularizer),
            new(filters, pointwiseInitializer))
    {
    }

    private SeparableConv1D((Args Depthwise, PointwiseArgs Pointwise) args) : base(1, args.Depthwise, args.Pointwise)
    {
    }

    public override string ClassName => "SeparableConv1D";

    public int KernelSize => Window.KernelSize.Width;

    public int Strides => Window.Strides.Width;

    public int DilationRate => Window.DilationRate.Width;

    public static SeparableConv1D FromConfig(Config config) => new(ReadSeparableArgs(config, 1, "SeparableConv1D"));
}
