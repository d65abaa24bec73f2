using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's transposed convolutions share (a "deconvolution", as in decoders and generators), channels_last: each
/// input cell spreads over a window of the output, strides apart, weighted by the kernel [k..., filters, in]. The output
/// size is Keras's (keras/src/utils/conv_utils.py, deconv_output_length without output_padding): input·stride with
/// "same" padding, input·stride + max(kernel − stride, 0) with "valid". A 1-D layer is computed as a 2-D one of height 1.
/// </summary>
public abstract class BaseConvTranspose : Layer
{
    private readonly int rank;
    private readonly ConvWindow window;
    private ConvGeometry? geometry;
    private Tensor? kernel, bias;

    private protected BaseConvTranspose(int rank, int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer,
        Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat)
        : base(name, inputShape)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        ConvOptions.CheckDataFormat(what, dataFormat);
        Filters = filters;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        Activation = activation;
        UseBias = useBias;
        KernelInitializer = kernelInitializer;
        BiasInitializer = biasInitializer;
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
    }

    public int Filters { get; }

    // 1-D sizes are held as height 1 × width k.
    private protected Size2D Window => window.KernelSize.Plane;

    private protected Size2D StrideSize => window.Strides.Plane;

    private protected Size2D DilationSize => window.DilationRate.Plane;

    public string Padding => window.PaddingName;

    /// <summary>The activation; settable so that a repair can swap it before training.</summary>
    public ActivationFunction Activation { get; set; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    /// <summary>Keras's <c>kernel_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? KernelConstraint { get; init; }

    /// <summary>Keras's <c>bias_constraint</c>; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; init; }

    /// <summary>The kernel, [kh, kw, filters, in] (2-D) or [k, filters, in] (1-D), as Keras stores it.</summary>
    public Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    /// <summary>Keras's deconv_output_length for one axis, output_padding None.</summary>
    private int OutputLength(int input, int kernelSize, int stride, int dilation)
    {
        int dilated = kernelSize + (kernelSize - 1) * (dilation - 1);
        return window.Padding == ConvPadding.Same ? input * stride : input * stride + Math.Max(dilated - stride, 0);
    }

    /// <summary>The convolution from the output's shape back onto the input's, whose input gradient this layer computes.</summary>
    private ConvGeometry Geometry(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape);
        int inHeight = rank == 2 ? inputShape[0] : 1, inWidth = inputShape[rank - 1];
        int height = OutputLength(inHeight, Window.Height, StrideSize.Height, DilationSize.Height);
        int width = OutputLength(inWidth, Window.Width, StrideSize.Width, DilationSize.Width);
        var g = ConvGeometry.Create($"{ClassName} '{Name}'", height, width, Filters, Window.Pair, StrideSize.Pair, DilationSize.Pair, window.Padding);
        if (g.OutHeight != inHeight || g.OutWidth != inWidth)
            throw new InvalidOperationException(
                $"{ClassName} '{Name}': the {height}x{width} output would convolve back to {g.OutHeight}x{g.OutWidth}, not the " +
                $"{inHeight}x{inWidth} input.");
        return g;
    }

    /// <summary>The built geometry of the convolution from the output back onto the input, for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        var g = Geometry(inputShape);
        return rank == 2 ? [g.InHeight, g.InWidth, Filters] : [g.InWidth, Filters];
    }

    protected override void BuildWeights(int[] inputShape)
    {
        geometry = Geometry(inputShape);
        int[] shape = rank == 2 ? [Window.Height, Window.Width, Filters, inputShape[^1]] : [Window.Width, Filters, inputShape[^1]];
        kernel = AddKernel("kernel", shape, KernelInitializer, KernelRegularizer);
        Constrain(kernel, KernelConstraint);
        if (UseBias) Constrain(bias = AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer), BiasConstraint);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (rank == 2) return Op.Record(new ConvTransposeOp(inputs, Kernel, bias, geometry!, Activation));
        // A sequence is an image one row high.
        var (batch, steps, channels) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[2]);
        var kernel4 = Tensor.Reshape(Kernel, 1, Window.Width, Filters, channels);
        var output = Op.Record(new ConvTransposeOp(Tensor.Reshape(inputs, batch, 1, steps, channels), kernel4, bias, geometry!, Activation));
        return Tensor.Reshape(output, batch, geometry!.InWidth, Filters);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = (long)Filters;
        window.WriteConfig(config, rank);
        config["output_padding"] = null;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    /// <summary>The arguments a Keras config holds, read and checked; output_padding is refused.</summary>
    private protected static BaseConv.Args ReadTransposeArgs(Config config, int rank, string className)
    {
        RefuseUnsupported(config, className, "output_padding");
        var a = BaseConv.ReadArgs(config, rank, className);
        ConvOptions.CheckGroups($"{className} '{a.Name ?? "?"}'", a.Groups);
        return a;
    }
}

/// <summary>Keras's <c>Conv2DTranspose</c> on channels_last images: kernel [kh, kw, filters, in].</summary>
public sealed class Conv2DTranspose : BaseConvTranspose
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", Size2D? dilationRate = null,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        int[]? inputShape = null, string? name = null)
        : this(filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null, inputShape, name)
    {
    }

    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null, string? dataFormat = null)
        : base(2, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer,
            biasRegularizer, inputShape, name, dataFormat)
    {
    }

    public override string ClassName => "Conv2DTranspose";

    public Size2D KernelSize => Window;

    public Size2D Strides => StrideSize;

    public Size2D DilationRate => DilationSize;

    public static Conv2DTranspose FromConfig(Config config)
    {
        var a = ReadTransposeArgs(config, 2, "Conv2DTranspose");
        return new Conv2DTranspose(a.Filters, a.KernelSize.Plane, a.Strides.Plane, a.Padding, a.DilationRate.Plane, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat)
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
    public Conv1DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        int[]? inputShape = null, string? name = null)
        : this(filters, (1, kernelSize), (1, strides), padding, (1, dilationRate), ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null, inputShape, name, null)
    {
    }

    private Conv1DTranspose(int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer, Regularizer? biasRegularizer,
        int[]? inputShape, string? name, string? dataFormat)
        : base(1, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer,
            biasRegularizer, inputShape, name, dataFormat)
    {
    }

    public override string ClassName => "Conv1DTranspose";

    public int KernelSize => Window.Width;

    public int Strides => StrideSize.Width;

    public int DilationRate => DilationSize.Width;

    public static Conv1DTranspose FromConfig(Config config)
    {
        var a = ReadTransposeArgs(config, 1, "Conv1DTranspose");
        return new Conv1DTranspose(a.Filters, a.KernelSize.Plane, a.Strides.Plane, a.Padding, a.DilationRate.Plane, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
