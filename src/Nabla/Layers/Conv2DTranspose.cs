using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>Keras's <c>Conv2DTranspose</c> on channels_last images: kernel [kh, kw, filters, in].</summary>
public sealed class Conv2DTranspose : BaseConvTranspose
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="outputPadding">Keras's output_padding: cells added at the end of each axis, below the stride; null
    /// (Keras's default) for the sizes without it.</param>
    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", Size2D? dilationRate = null,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        int[]? inputShape = null, string? name = null, Size2D? outputPadding = null, string? dataFormat = null)
        : this(filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null, inputShape, name, dataFormat, outputPadding)
    {
    }

    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null, string? dataFormat = null,
        Size2D? outputPadding = null)
        : base(2, filters, Size3D.Flat(kernelSize), Size3D.Flat(strides), padding, Size3D.Flat(dilationRate), activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, inputShape, name, dataFormat,
            outputPadding is Size2D p ? new Size3D(0, p.Height, p.Width) : null)
    {
    }

    public override string ClassName => "Conv2DTranspose";

    public Size2D KernelSize => Window.Plane;

    public Size2D Strides => StrideSize.Plane;

    public Size2D DilationRate => DilationSize.Plane;

    /// <summary>Keras's output_padding; null when unset.</summary>
    public Size2D? OutputPadding => OutputPaddingSize?.Plane;

    public static Conv2DTranspose FromConfig(Config config)
    {
        var (a, outputPadding) = ReadTransposeArgs(config, 2, "Conv2DTranspose");
        return new Conv2DTranspose(a.Filters, a.KernelSize.Plane, a.Strides.Plane, a.Padding, a.DilationRate.Plane, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, outputPadding?.Plane)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}

/// <summary>Keras's <c>Conv1DTranspose</c> on sequences [batch, steps, channels]: kernel [k, filters, in].</summary>
public sealed class Conv1DTranspose : BaseConvTranspose
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="outputPadding">Keras's output_padding, below the stride; null (Keras's default) for none.</param>
    public Conv1DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        int[]? inputShape = null, string? name = null, int? outputPadding = null, string? dataFormat = null)
        : this(filters, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, new Size3D(1, 1, dilationRate),
            ActivationFunction.Get(activation), useBias, Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null,
            inputShape, name, dataFormat, outputPadding is int p ? new Size3D(0, 0, p) : null)
    {
    }

    private Conv1DTranspose(int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer, Regularizer? biasRegularizer,
        int[]? inputShape, string? name, string? dataFormat, Size3D? outputPadding)
        : base(1, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer,
            biasRegularizer, inputShape, name, dataFormat, outputPadding)
    {
    }

    public override string ClassName => "Conv1DTranspose";

    public int KernelSize => Window.Width;

    public int Strides => StrideSize.Width;

    public int DilationRate => DilationSize.Width;

    /// <summary>Keras's output_padding; null when unset.</summary>
    public int? OutputPadding => OutputPaddingSize?.Width;

    public static Conv1DTranspose FromConfig(Config config)
    {
        var (a, outputPadding) = ReadTransposeArgs(config, 1, "Conv1DTranspose");
        return new Conv1DTranspose(a.Filters, a.KernelSize, a.Strides, a.Padding, a.DilationRate, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, outputPadding)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
