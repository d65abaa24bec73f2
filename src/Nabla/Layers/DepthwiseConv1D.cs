using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>DepthwiseConv1D</c> on channels_last sequences [batch, steps, channels]: each channel convolved with its
/// own <c>depthMultiplier</c> filters along the steps, no channel mixing with another. Kernel [k, channels,
/// depth_multiplier], as Keras stores it; output channel c·depth_multiplier + m for channel c's filter m. Computed as
/// DepthwiseConv2D of height 1. The kernel weight is "depthwise_kernel" (Keras 3's "kernel" is read too).
/// </summary>
public sealed class DepthwiseConv1D : BaseDepthwiseConv
{
    /// <param name="padding">"valid" (Keras's default) or "same" (TensorFlow's split: an odd extra cell at the end).
    /// Keras 3 refuses "causal" for this layer, and so does Nabla.</param>
    /// <param name="depthMultiplier">Filters per input channel (Keras's default 1).</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    public DepthwiseConv1D(int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, int dilationRate = 1, string? activation = null, bool useBias = true,
        string depthwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", string? depthwiseRegularizer = null,
        string? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : base(1, NamedArgs(name, inputShape, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, depthMultiplier, dataFormat,
            new Size3D(1, 1, dilationRate), activation, useBias, depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer))
    {
    }

    public DepthwiseConv1D(int kernelSize, int strides, string padding, int depthMultiplier, string? dataFormat,
        int dilationRate, ActivationFunction activation, bool useBias, Initializer depthwiseInitializer, Initializer biasInitializer,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : base(1, new Args(name, inputShape, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, depthMultiplier, dataFormat,
            new Size3D(1, 1, dilationRate), activation, useBias, depthwiseInitializer, biasInitializer, depthwiseRegularizer, biasRegularizer))
    {
    }

    private DepthwiseConv1D(Args args) : base(1, args)
    {
    }

    public override string ClassName => "DepthwiseConv1D";

    public int KernelSize => Window.KernelSize.Width;

    public int Strides => Window.Strides.Width;

    public int DilationRate => Window.DilationRate.Width;

    /// <summary>Reads a Keras 3, Keras 2 or TensorFlow.js config.</summary>
    public static DepthwiseConv1D FromConfig(Config config) => new(ReadArgs(config, 1, "DepthwiseConv1D"));
}
