using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>Keras's <c>Conv1D</c> on channels_last sequences [batch, steps, channels]: kernel [k, in, filters].</summary>
public sealed class Conv1D : BaseConv
{
    /// <param name="padding">"valid" (Keras's default), "same", or "causal" (all padding on the left: output t sees inputs ≤ t).</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    /// <param name="groups">Keras's grouped convolution: how many blocks of channels, each convolved with its own block of the filters (both divisible by it).</param>
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        string? kernelRegularizer = null, string? biasRegularizer = null, int[]? inputShape = null, string? name = null,
        string? dataFormat = null, int groups = 1)
        : this(filters, kernelSize, strides, padding, dilationRate, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer),
            kernelRegularizer is null ? null : Regularizer.Get(kernelRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name, dataFormat, groups)
    {
    }

    public Conv1D(int filters, int kernelSize, int strides, string padding, int dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null,
        string? dataFormat = null, int groups = 1)
        : base(1, filters, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, new Size3D(1, 1, dilationRate), activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, inputShape, name, dataFormat, groups)
    {
    }

    public override string ClassName => "Conv1D";

    public int KernelSize => Window.Width;

    public int Strides => StrideSize.Width;

    public int DilationRate => DilationSize.Width;

    public static Conv1D FromConfig(Config config)
    {
        var a = ReadArgs(config, 1, "Conv1D");
        return new Conv1D(a.Filters, a.KernelSize.Width, a.Strides.Width, a.Padding, a.DilationRate.Width, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, a.Groups)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
