using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Conv3D</c> on channels_last volumes [batch, depth, height, width, channels]: kernel
/// [kd, kh, kw, in, filters]. <c>kernelSize</c>, <c>strides</c> and <c>dilationRate</c> take an int or a
/// (depth, height, width) tuple.
/// </summary>
public sealed class Conv3D : BaseConv
{
    /// <param name="padding">"valid" (Keras's default) or "same" (TensorFlow's split: an odd extra cell at the back/bottom/right).</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    /// <param name="groups">Keras's grouped convolution: how many blocks of channels, each convolved with its own block of the filters (both divisible by it).</param>
    public Conv3D(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", Size3D? dilationRate = null,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        string? kernelRegularizer = null, string? biasRegularizer = null, int[]? inputShape = null, string? name = null,
        string? dataFormat = null, int groups = 1)
        : this(filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer),
            kernelRegularizer is null ? null : Regularizer.Get(kernelRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name, dataFormat, groups)
    {
    }

    public Conv3D(int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null,
        string? dataFormat = null, int groups = 1)
        : base(3, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer,
            kernelRegularizer, biasRegularizer, inputShape, name, dataFormat, groups)
    {
    }

    public override string ClassName => "Conv3D";

    public Size3D KernelSize => Window;

    public Size3D Strides => StrideSize;

    public Size3D DilationRate => DilationSize;

    public static Conv3D FromConfig(Config config)
    {
        var a = ReadArgs(config, 3, "Conv3D");
        return new Conv3D(a.Filters, a.KernelSize, a.Strides, a.Padding, a.DilationRate, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, a.Groups)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
