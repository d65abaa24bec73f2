using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Conv3DTranspose</c> (alias <c>Convolution3DTranspose</c>) on channels_last volumes
/// [batch, depth, height, width, channels]: kernel [kd, kh, kw, filters, in]. <c>kernelSize</c>, <c>strides</c>,
/// <c>dilationRate</c> and <c>outputPadding</c> take an int or a (depth, height, width) tuple.
/// </summary>
public sealed class Conv3DTranspose : BaseConvTranspose
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="outputPadding">Keras's output_padding: cells added at the end of each axis, below the stride; null
    /// (Keras's default) for the sizes without it.</param>
    public Conv3DTranspose(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", Size3D? dilationRate = null,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        int[]? inputShape = null, string? name = null, Size3D? outputPadding = null, string? dataFormat = null)
        : this(filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null, inputShape, name, dataFormat, outputPadding)
    {
    }

    public Conv3DTranspose(int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null, string? dataFormat = null,
        Size3D? outputPadding = null)
        : base(3, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer,
            biasRegularizer, inputShape, name, dataFormat, outputPadding)
    {
    }

    public override string ClassName => "Conv3DTranspose";

    public Size3D KernelSize => Window;

    public Size3D Strides => StrideSize;

    public Size3D DilationRate => DilationSize;

    /// <summary>Keras's output_padding; null when unset.</summary>
    public Size3D? OutputPadding => OutputPaddingSize;

    public static Conv3DTranspose FromConfig(Config config)
    {
        var (a, outputPadding) = ReadTransposeArgs(config, 3, "Conv3DTranspose");
        return new Conv3DTranspose(a.Filters, a.KernelSize, a.Strides, a.Padding, a.DilationRate, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, outputPadding)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
