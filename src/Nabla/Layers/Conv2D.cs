using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Conv2D</c> on channels_last images [batch, height, width, channels]: kernel [kh, kw, in, filters].
/// <c>kernelSize</c>, <c>strides</c> and <c>dilationRate</c> take an int or a (height, width) tuple.
/// </summary>
public sealed class Conv2D : BaseConv
{
    /// <param name="padding">"valid" (Keras's default) or "same" (TensorFlow's split: an odd extra cell at the bottom/right).</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    /// <param name="groups">Keras's grouped convolution: how many blocks of channels, each convolved with its own block of the filters (both divisible by it).</param>
    public Conv2D(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", Size2D? dilationRate = null,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        string? kernelRegularizer = null, string? biasRegularizer = null, int[]? inputShape = null, string? name = null,
        string? dataFormat = null, int groups = 1)
        : this(filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer),
            kernelRegularizer is null ? null : Regularizer.Get(kernelRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name, dataFormat, groups)
    {
    }

    public Conv2D(int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null,
        string? dataFormat = null, int groups = 1)
        : base(2, filters, Size3D.Flat(kernelSize), Size3D.Flat(strides), padding, Size3D.Flat(dilationRate), activation, useBias, kernelInitializer, biasInitializer,
            kernelRegularizer, biasRegularizer, inputShape, name, dataFormat, groups)
    {
    }

    public override string ClassName => "Conv2D";

    public Size2D KernelSize => Window.Plane;

    public Size2D Strides => StrideSize.Plane;

    public Size2D DilationRate => DilationSize.Plane;

    public static Conv2D FromConfig(Config config)
    {
        var a = ReadArgs(config, 2, "Conv2D");
        return new Conv2D(a.Filters, a.KernelSize.Plane, a.Strides.Plane, a.Padding, a.DilationRate.Plane, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, a.Groups)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
