using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's transposed convolutions share (a "deconvolution", as in decoders and generators), channels last or first
/// (<see cref="DataFormat"/>): each
/// input cell spreads over a window of the output, strides apart, weighted by the kernel [k..., filters, in]. The output
/// size is Keras's (keras/src/backend/common/backend_utils.py, _get_output_shape_given_tf_padding): without output_padding,
/// input·stride with "same" padding and input·stride + max(kernel − stride, 0) with "valid"; with it, (input − 1)·stride +
/// kernel % 2 + output_padding ("same") or (input − 1)·stride + kernel + output_padding ("valid"), kernel dilated. Sizes
/// are held over (depth, height, width): a 2-D layer has depth 1, a 1-D layer height 1 too, so all three run the same
/// geometry and op.
/// </summary>
public abstract class BaseConvTranspose : KernelLayer
{
    private readonly int rank;
    private readonly ConvWindow window;
    // Null is Keras's None: the output sizes above without output_padding. The axes a layer lacks hold 0.
    private readonly Size3D? outputPadding;
    private ConvGeometry? geometry;
    private readonly ImageLayout layout;

    private protected BaseConvTranspose(int rank, int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer, Regularizer? kernelRegularizer,
        Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat, Size3D? outputPadding)
        : base(name, inputShape, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        layout = ImageLayout.Parse(what, dataFormat);
        Filters = filters;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        // Keras (base_conv_transpose.py) refuses output_padding >= strides on any axis, and a negative one.
        if (outputPadding is Size3D p && (Math.Min(p.Depth, Math.Min(p.Height, p.Width)) < 0
                || p.Depth >= strides.Depth || p.Height >= strides.Height || p.Width >= strides.Width))
            throw new ArgumentException(
                $"{what}: 'output_padding' must be at least 0 and below 'strides' on every axis (as in Keras), found output_padding " +
                $"{Describe(p)} with strides {Describe(strides)}.", nameof(outputPadding));
        this.outputPadding = outputPadding;
    }

    public int Filters { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    // 2-D sizes are held with depth 1, 1-D sizes as 1 × 1 × k.
    private protected Size3D Window => window.KernelSize;

    private protected Size3D StrideSize => window.Strides;

    private protected Size3D DilationSize => window.DilationRate;

    public string Padding => window.PaddingName;

    private protected Size3D? OutputPaddingSize => outputPadding;

    /// <summary>A size as this layer's axes: "2" (1-D), "(1, 2)" (2-D) or "(1, 2, 3)" (3-D).</summary>
    private string Describe(Size3D size) => rank switch { 1 => size.Width.ToString(), 2 => size.Plane.ToString(), _ => size.ToString() };

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

    /// <summary>The convolution from the output's shape back onto the input's, whose input gradient this layer computes.
    /// The axes a layer lacks are one cell with a window of one, which every rule above leaves one cell.</summary>
    private ConvGeometry Geometry(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape);
        var input = Size3D.FromLast(inputShape[..rank]);
        var (k, s, d) = (Window, StrideSize, DilationSize);
        var depth = Axis(input.Depth, k.Depth, s.Depth, d.Depth, outputPadding?.Depth);
        var rows = Axis(input.Height, k.Height, s.Height, d.Height, outputPadding?.Height);
        var columns = Axis(input.Width, k.Width, s.Width, d.Width, outputPadding?.Width);
        var output = new Size3D(depth.Length, rows.Length, columns.Length);
        string what = $"{ClassName} '{Name}'";
        string Sizes(Size3D size) => string.Join("x", size.Last(rank));
        if (depth.Length <= 0 || rows.Length <= 0 || columns.Length <= 0)
            throw new ArgumentException(
                $"{what}: an input of {Sizes(input)} with padding \"{Padding}\" and output_padding " +
                $"{(outputPadding is Size3D q ? Describe(q) : "None")} gives an empty {Sizes(output)} output.");
        var g = outputPadding is null
            ? ConvGeometry.Create(what, output.Depth, output.Height, output.Width, Filters, k.Triple, s.Triple, d.Triple, window.Padding)
            : ConvGeometry.CreatePadded(what, output.Depth, output.Height, output.Width, Filters, k.Triple, s.Triple, d.Triple,
                (depth.Before, depth.After), (rows.Before, rows.After), (columns.Before, columns.After));
        var back = new Size3D(g.OutDepth, g.OutHeight, g.OutWidth);
        if (back != input)
            throw new InvalidOperationException(
                $"{what}: the {Sizes(output)} output would convolve back to {Sizes(back)}, not the {Sizes(input)} input.");
        return g;
    }

    /// <summary>The built geometry of the convolution from the output back onto the input, for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>1 for Conv1DTranspose, 2 for Conv2DTranspose, 3 for Conv3DTranspose.</summary>
    internal int Rank => rank;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape, layout);
        return layout.OutputShape(inputShape, shape => [.. Geometry(shape).InSpatial(rank), Filters]);
    }

    protected override void BuildWeights(int[] inputShape)
    {
        inputShape = layout.ToLast(inputShape);
        geometry = Geometry(inputShape);
        BuildKernelAndBias([.. Window.Last(rank), Filters, inputShape[^1]], UseBias ? [Filters] : null);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, x => Op.Record(new ConvTransposeOp(x, Kernel, Bias, geometry!, Activation)));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = (long)Filters;
        window.WriteConfig(config, rank, layout);
        config["output_padding"] = outputPadding is Size3D p ? ConvOptions.ToList(p.Last(rank)) : null;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    /// <summary>The arguments a Keras config holds, read and checked, and output_padding: an int, a list of
    /// <paramref name="rank"/> ints, or null (absent).</summary>
    private protected static (BaseConv.Args Args, Size3D? OutputPadding) ReadTransposeArgs(Config config, int rank, string className)
    {
        var a = BaseConv.ReadArgs(config, rank, className);
        string what = $"{className} '{a.Name ?? "?"}'";
        ConvOptions.CheckGroups(what, a.Groups);
        int[]? p = config.TryGet("output_padding", out var value) && value is not null
            ? ConvOptions.ReadSize(config, "output_padding", rank, what)
            : null;
        return (a, p is null ? null : Size3D.FromLast(p, missing: 0));
    }
}
