using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Conv2DTranspose</c> (a "deconvolution", as in decoders and generators) on channels_last images: each
/// input pixel spreads over a kh × kw window of the output, strides apart, weighted by the kernel [kh, kw, filters, in].
/// The output size is Keras's (keras/src/utils/conv_utils.py, deconv_output_length without output_padding):
/// input·stride with "same" padding, input·stride + max(kernel − stride, 0) with "valid".
/// </summary>
public sealed class Conv2DTranspose : Layer
{
    private readonly ConvWindow window;
    private ConvGeometry? geometry;
    private Tensor? kernel, bias;

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
        : base(name, inputShape)
    {
        string what = $"Conv2DTranspose '{Name}'";
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

    public override string ClassName => "Conv2DTranspose";

    public int Filters { get; }

    public Size2D KernelSize => window.KernelSize;

    public Size2D Strides => window.Strides;

    public Size2D DilationRate => window.DilationRate;

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

    /// <summary>The kernel [kh, kw, filters, in], as Keras stores it.</summary>
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
        ConvOptions.CheckSpatialRank(this, 2, inputShape);
        int height = OutputLength(inputShape[0], KernelSize.Height, Strides.Height, DilationRate.Height);
        int width = OutputLength(inputShape[1], KernelSize.Width, Strides.Width, DilationRate.Width);
        var g = ConvGeometry.Create($"Conv2DTranspose '{Name}'", height, width, Filters, KernelSize.Pair, Strides.Pair, DilationRate.Pair, window.Padding);
        if (g.OutHeight != inputShape[0] || g.OutWidth != inputShape[1])
            throw new InvalidOperationException(
                $"Conv2DTranspose '{Name}': the {height}x{width} output would convolve back to {g.OutHeight}x{g.OutWidth}, not the " +
                $"{inputShape[0]}x{inputShape[1]} input.");
        return g;
    }

    /// <summary>The built geometry of the convolution from the output back onto the input, for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        var g = Geometry(inputShape);
        return [g.InHeight, g.InWidth, Filters];
    }

    protected override void BuildWeights(int[] inputShape)
    {
        geometry = Geometry(inputShape);
        kernel = AddKernel("kernel", [KernelSize.Height, KernelSize.Width, Filters, inputShape[^1]], KernelInitializer, KernelRegularizer);
        Constrain(kernel, KernelConstraint);
        if (UseBias) Constrain(bias = AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer), BiasConstraint);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new ConvTransposeOp(inputs, Kernel, bias, geometry!, Activation));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = (long)Filters;
        window.WriteConfig(config, 2);
        config["output_padding"] = null;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    public static Conv2DTranspose FromConfig(Config config)
    {
        RefuseUnsupported(config, "Conv2DTranspose", "output_padding");
        var a = BaseConv.ReadArgs(config, 2, "Conv2DTranspose");
        ConvOptions.CheckGroups($"Conv2DTranspose '{a.Name ?? "?"}'", a.Groups);
        return new Conv2DTranspose(a.Filters, a.KernelSize, a.Strides, a.Padding, a.DilationRate, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
