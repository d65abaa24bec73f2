using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>DepthwiseConv2D</c> on channels_last images [batch, height, width, channels]: each input channel is
/// convolved with its own <c>depthMultiplier</c> filters and no channel mixes with another (MobileNet's depthwise
/// step). Kernel [kh, kw, channels, depth_multiplier]; output channels = channels × depth_multiplier, channel c's
/// filter m at c·depth_multiplier + m, as Keras orders them. The kernel weight is named "depthwise_kernel", the name
/// Keras 2, tf.keras and TensorFlow.js give it; files that name it as Keras 3 does, "kernel", are read too.
/// </summary>
public sealed class DepthwiseConv2D : BaseDepthwiseConv
{
    /// <param name="padding">"valid" (Keras's default) or "same" (TensorFlow's split: an odd extra cell at the bottom/right).</param>
    /// <param name="depthMultiplier">Filters per input channel (Keras's default 1).</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    public DepthwiseConv2D(Size2D kernelSize, Size2D? strides = null, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, Size2D? dilationRate = null, string? activation = null, bool useBias = true,
        string depthwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", string? depthwiseRegularizer = null,
        string? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : base(2, NamedArgs(name, inputShape, Size3D.Flat(kernelSize), Size3D.Flat(strides ?? 1), padding, depthMultiplier, dataFormat,
            Size3D.Flat(dilationRate ?? 1), activation, useBias, depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer))
    {
    }

    public DepthwiseConv2D(Size2D kernelSize, Size2D strides, string padding, int depthMultiplier, string? dataFormat,
        Size2D dilationRate, ActivationFunction activation, bool useBias, Initializer depthwiseInitializer, Initializer biasInitializer,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : base(2, new Args(name, inputShape, Size3D.Flat(kernelSize), Size3D.Flat(strides), padding, depthMultiplier, dataFormat,
            Size3D.Flat(dilationRate), activation, useBias, depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer))
    {
    }

    private DepthwiseConv2D(Args args) : base(2, args)
    {
    }

    public override string ClassName => "DepthwiseConv2D";

    public Size2D KernelSize => Window.KernelSize.Plane;

    public Size2D Strides => Window.Strides.Plane;

    public Size2D DilationRate => Window.DilationRate.Plane;

    /// <summary>Reads a Keras 3, Keras 2 or TensorFlow.js config.</summary>
    public static DepthwiseConv2D FromConfig(Config config) => new(ReadArgs(config, 2, "DepthwiseConv2D"));
}
