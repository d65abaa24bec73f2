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
/// size is Keras's (keras/src/backend/common/backend_utils.py, _get_output_shape_given_tf_padding): without output_padding,
/// input·stride with "same" padding and input·stride + max(kernel − stride, 0) with "valid"; with it, (input − 1)·stride +
/// kernel % 2 + output_padding ("same") or (input − 1)·stride + kernel + output_padding ("valid"), kernel dilated. A 1-D
/// layer is computed as a 2-D one of height 1.
/// </summary>
public abstract class BaseConvTranspose : Layer
{
    private readonly int rank;
    private readonly ConvWindow window;
    // Null is Keras's None: the output sizes above without output_padding. 1-D layers hold it as (0, p).
    private readonly Size2D? outputPadding;
    private ConvGeometry? geometry;
    private Tensor? kernel, bias;

    private protected BaseConvTranspose(int rank, int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer,
        Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat, Size2D? outputPadding)
        : base(name, inputShape)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        ConvOptions.CheckDataFormat(what, dataFormat);
        Filters = filters;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        // Keras (base_conv_transpose.py) refuses output_padding >= strides on any axis, and a negative one.
        if (outputPadding is Size2D p && (p.Height < 0 || p.Width < 0 || p.Height >= strides.Height || p.Width >= strides.Width))
            throw new ArgumentException(
                $"{what}: 'output_padding' must be at least 0 and below 'strides' on every axis (as in Keras), found output_padding " +
                $"{Describe(p)} with strides {Describe(strides)}.", nameof(outputPadding));
        this.outputPadding = outputPadding;
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

    private protected Size2D? OutputPaddingSize => outputPadding;

    private string Describe(Size2D size) => rank == 2 ? size.ToString() : size.Width.ToString();

    /// <summary>Keras's output length along one axis and, with output_padding, the padding of the convolution that maps
    /// the output back onto the input: Before is how many cells of the full transposed result ((input − 1)·stride +
    /// dilated kernel) precede the output.</summary>
    private (int Length, int Before, int After) Axis(int input, int kernelSize, int stride, int dilation, int? extra)
    {
        int dilated = (kernelSize - 1) * dilation + 1;
        bool same = window.Padding == ConvPadding.Same;
        if (extra is not int p) return (same ? input * stride : input * stride + Math.Max(dilated - stride, 0), 0, 0);
        int length = (input - 1) * stride + (same ? dilated % 2 : dilated) + p;
        // Keras's JAX backend pads the stride-spread input by `left` before a correlation with the flipped kernel
        // (backend_utils.py, _convert_conv_transpose_padding_args_from_keras_to_jax), so the output starts
        // dilated − 1 − left cells into the full result: 0 with "valid".
        int padLength = dilated + dilated % 2 - 2 + p;
        int before = same ? dilated - 1 - Math.Min(padLength / 2 + padLength % 2, dilated - 1) : 0;
        // The cells past the full result (fewer than a stride) lie in no window of the convolution back, and need no padding.
        return (length, before, Math.Max((input - 1) * stride + dilated - before - length, 0));
    }

    /// <summary>The convolution from the output's shape back onto the input's, whose input gradient this layer computes.</summary>
    private ConvGeometry Geometry(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape);
        int inHeight = rank == 2 ? inputShape[0] : 1, inWidth = inputShape[rank - 1];
        var rows = Axis(inHeight, Window.Height, StrideSize.Height, DilationSize.Height, outputPadding?.Height);
        var columns = Axis(inWidth, Window.Width, StrideSize.Width, DilationSize.Width, outputPadding?.Width);
        var (height, width) = (rows.Length, columns.Length);
        string what = $"{ClassName} '{Name}'";
        if (height <= 0 || width <= 0)
            throw new ArgumentException(
                $"{what}: an input of {inHeight}x{inWidth} with padding \"{Padding}\" and output_padding {(outputPadding is Size2D q ? Describe(q) : "None")} " +
                $"gives an empty {height}x{width} output.");
        var g = outputPadding is null
            ? ConvGeometry.Create(what, height, width, Filters, Window.Pair, StrideSize.Pair, DilationSize.Pair, window.Padding)
            : ConvGeometry.CreatePadded(what, height, width, Filters, Window.Pair, StrideSize.Pair, DilationSize.Pair,
                (rows.Before, rows.After), (columns.Before, columns.After));
        if (g.OutHeight != inHeight || g.OutWidth != inWidth)
            throw new InvalidOperationException(
                $"{ClassName} '{Name}': the {height}x{width} output would convolve back to {g.OutHeight}x{g.OutWidth}, not the " +
                $"{inHeight}x{inWidth} input.");
        return g;
    }

    /// <summary>The built geometry of the convolution from the output back onto the input, for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>1 for Conv1DTranspose, 2 for Conv2DTranspose.</summary>
    internal int Rank => rank;

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
        config["output_padding"] = outputPadding is Size2D p ? ConvOptions.ToList(rank == 2 ? [p.Height, p.Width] : [p.Width]) : null;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    /// <summary>The arguments a Keras config holds, read and checked, and output_padding: an int, a list of
    /// <paramref name="rank"/> ints, or null (absent).</summary>
    private protected static (BaseConv.Args Args, Size2D? OutputPadding) ReadTransposeArgs(Config config, int rank, string className)
    {
        var a = BaseConv.ReadArgs(config, rank, className);
        string what = $"{className} '{a.Name ?? "?"}'";
        ConvOptions.CheckGroups(what, a.Groups);
        int[]? p = config.TryGet("output_padding", out var value) && value is not null
            ? ConvOptions.ReadSize(config, "output_padding", rank, what)
            : null;
        return (a, p is null ? null : rank == 2 ? new Size2D(p[0], p[1]) : new Size2D(0, p[0]));
    }
}

/// <summary>Keras's <c>Conv2DTranspose</c> on channels_last images: kernel [kh, kw, filters, in].</summary>
public sealed class Conv2DTranspose : BaseConvTranspose
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="outputPadding">Keras's output_padding: cells added at the end of each axis, below the stride; null
    /// (Keras's default) for the sizes without it.</param>
    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", Size2D? dilationRate = null,
        string? activation = null, bool useBias = true, string kernelInitializer = "glorot_uniform", string biasInitializer = "zeros",
        int[]? inputShape = null, string? name = null, Size2D? outputPadding = null)
        : this(filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null, inputShape, name, outputPadding: outputPadding)
    {
    }

    public Conv2DTranspose(int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null, string? dataFormat = null,
        Size2D? outputPadding = null)
        : base(2, filters, kernelSize, strides, padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer,
            biasRegularizer, inputShape, name, dataFormat, outputPadding)
    {
    }

    public override string ClassName => "Conv2DTranspose";

    public Size2D KernelSize => Window;

    public Size2D Strides => StrideSize;

    public Size2D DilationRate => DilationSize;

    /// <summary>Keras's output_padding; null when unset.</summary>
    public Size2D? OutputPadding => OutputPaddingSize;

    public static Conv2DTranspose FromConfig(Config config)
    {
        var (a, outputPadding) = ReadTransposeArgs(config, 2, "Conv2DTranspose");
        return new Conv2DTranspose(a.Filters, a.KernelSize.Plane, a.Strides.Plane, a.Padding, a.DilationRate.Plane, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, outputPadding)
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
        int[]? inputShape = null, string? name = null, int? outputPadding = null)
        : this(filters, (1, kernelSize), (1, strides), padding, (1, dilationRate), ActivationFunction.Get(activation), useBias,
            Initializer.Get(kernelInitializer), Initializer.Get(biasInitializer), null, null, inputShape, name, null,
            outputPadding is int p ? new Size2D(0, p) : null)
    {
    }

    private Conv1DTranspose(int filters, Size2D kernelSize, Size2D strides, string padding, Size2D dilationRate, ActivationFunction activation,
        bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer, Regularizer? biasRegularizer,
        int[]? inputShape, string? name, string? dataFormat, Size2D? outputPadding)
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
        return new Conv1DTranspose(a.Filters, a.KernelSize.Plane, a.Strides.Plane, a.Padding, a.DilationRate.Plane, a.Activation, a.UseBias,
            a.KernelInitializer, a.BiasInitializer, a.KernelRegularizer, a.BiasRegularizer, a.InputShape, a.Name, a.DataFormat, outputPadding)
        {
            Trainable = config.GetBool("trainable", true),
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
