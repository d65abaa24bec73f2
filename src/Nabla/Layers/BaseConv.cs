using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's <c>Conv1D</c>, <c>Conv2D</c> and <c>Conv3D</c> share (Keras's <c>BaseConv</c>): outputs =
/// activation(conv(inputs, kernel) + bias), channels last or first (<see cref="DataFormat"/>), the kernel in Keras's
/// layout [kernel..., in, filters] either way,
/// glorot_uniform and zeros by default. A 1-D convolution is computed as a 2-D one of height 1, a 2-D one as a
/// 3-D one of depth 1. With <see cref="Groups"/> above 1 (Keras's grouped convolution) the input channels and the
/// filters are cut into that many consecutive blocks, block g of the filters seeing only block g of the channels: the
/// kernel is [kernel..., in / groups, filters], as Keras stores it.
/// </summary>
public abstract class BaseConv : KernelLayer
{
    private readonly int rank;
    private ConvGeometry? geometry;
    private readonly ImageLayout layout;
    private static readonly ActivationFunction Identity = new Activations.Linear();

    private protected BaseConv(int rank, int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate,
        ActivationFunction activation, bool useBias, Initializer kernelInitializer, Initializer biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat, int groups)
        : base(name, inputShape, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        layout = ImageLayout.Parse(what, dataFormat);
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        ConvOptions.CheckConvGroups(what, groups, filters);
        Filters = filters;
        Groups = groups;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: rank == 1);
    }

    public int Filters { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    /// <summary>Keras's <c>groups</c>: 1, or how many blocks of channels are convolved each with its own block of filters.</summary>
    public int Groups { get; }

    /// <summary>"valid", "same" or (Conv1D) "causal".</summary>
    public string Padding => ConvOptions.PaddingName(PaddingMode);

    private readonly ConvWindow window;

    // 2-D sizes are held with depth 1, 1-D sizes as 1 × 1 × k.
    private protected Size3D Window => window.KernelSize;

    private protected Size3D StrideSize => window.Strides;

    private protected Size3D DilationSize => window.DilationRate;

    private protected ConvPadding PaddingMode => window.Padding;

    /// <summary>1 for Conv1D, 2 for Conv2D, 3 for Conv3D.</summary>
    internal int Rank => rank;

    /// <summary>The built geometry (explicit paddings included), for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry
        ?? (IsBuilt ? throw ConvOptions.NoFixedGeometry(this) : throw new InvalidOperationException($"Layer '{Name}' is not built yet."));

    /// <summary>The spatial axes may be unknown (a sequence's length, an image's size): the kernel depends on the channels only.</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => layout.IsSpatial(axis, rank);

    private ConvGeometry Geometry(int[] inputShape) =>
        ConvOptions.Geometry(this, rank, inputShape, Window, StrideSize, DilationSize, PaddingMode);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape, layout);
        return layout.OutputShape(inputShape, channelsLast => ConvOptions.OutputShapeWithUnknownAxes(channelsLast, rank, Window, DilationSize,
            shape => [.. Geometry(shape).OutSpatial(rank), Filters]));
    }

    protected override void BuildWeights(int[] inputShape)
    {
        inputShape = layout.ToLast(inputShape);
        // With an unknown spatial axis the geometry is the data's, made per call.
        geometry = Array.IndexOf(inputShape, UnknownDimension) < 0 ? Geometry(inputShape) : null;
        int channels = inputShape[^1];
        if (channels % Groups != 0)
            throw new ArgumentException(
                $"{ClassName} '{Name}': the number of input channels must be evenly divisible by the number of groups; found groups = {Groups}, " +
                $"but the input has {channels} channels (input shape {Describe(inputShape)}).");
        int[] shape = [.. Window.Last(rank), channels / Groups, Filters];
        BuildKernelAndBias(shape, UseBias ? [Filters] : null);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, ChannelsLastCall);
    }

    private Tensor ChannelsLastCall(Tensor inputs)
    {
        var g = geometry ?? Geometry(inputs.Shape[1..]);
        if (Groups == 1) return Op.Record(new ConvOp(inputs, Kernel, Bias, g, Activation));
        // One group per channel is a depthwise convolution: filter c·m + k reads channel c alone, and the kernel
        // [kernel..., 1, channels·m] holds its values in the depthwise kernel's [kernel..., channels, m] order. Its op
        // runs many times faster than one convolution per channel (the 1-D and 2-D cases it covers).
        if (Groups == g.Channels && rank <= 2)
            return Op.Record(new DepthwiseConvOp(inputs, Tensor.Reshape(Kernel, [.. Kernel.Shape[..^2], g.Channels, Filters / Groups]),
                Bias, g, Activation));
        return GroupedCall(inputs, g);
    }

    /// <summary>Each block of channels convolved with its block of filters (slices of the input, the kernel and the bias),
    /// the blocks' outputs joined along the channels, then the activation: the ops' own backward passes give the
    /// gradients.</summary>
    private Tensor GroupedCall(Tensor inputs, ConvGeometry g)
    {
        int channels = g.Channels / Groups, filters = Filters / Groups;
        var blockGeometry = g with { Channels = channels };
        var outputs = new Tensor[Groups];
        for (int b = 0; b < Groups; b++)
        {
            var x = Tensor.Slice(inputs, LastAxisFrom(inputs.Rank, b * channels), [.. inputs.Shape[..^1], channels]);
            var k = Tensor.Slice(Kernel, LastAxisFrom(Kernel.Rank, b * filters), [.. Kernel.Shape[..^1], filters]);
            var blockBias = Bias is null ? null : Tensor.Slice(Bias, [b * filters], [filters]);
            outputs[b] = Op.Record(new ConvOp(x, k, blockBias, blockGeometry, Identity));
        }
        var joined = Tensor.Concat(outputs, axis: -1);
        return Activation.IsIdentity ? joined : Activation.Apply(joined);
    }

    private static int[] LastAxisFrom(int rank, int start)
    {
        var starts = new int[rank];
        starts[^1] = start;
        return starts;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = (long)Filters;
        window.WriteConfig(config, rank, layout);
        config["groups"] = (long)Groups;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer, KernelConstraint, BiasConstraint);
        return config;
    }

    /// <summary>The constructor arguments a Keras conv config holds (Keras 3, Keras 2 and TensorFlow.js forms).</summary>
    internal readonly record struct Args(
        string? Name, int[]? InputShape, int Filters, Size3D KernelSize, Size3D Strides, string Padding, Size3D DilationRate,
        ActivationFunction Activation, bool UseBias, Initializer KernelInitializer, Initializer BiasInitializer,
        Regularizer? KernelRegularizer, Regularizer? BiasRegularizer, string? DataFormat, int Groups);

    internal static Args ReadArgs(Config config, int rank, string className)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, className, "groups");
        // Keras 3's LoRA freezes the kernel and trains two low-rank factors beside it.
        RefuseUnsupported(config, className, "lora_rank");
        string what = $"{className} '{name ?? "?"}'";
        var (kernelSize, strides, padding, dilationRate) = ConvWindow.Read(config, rank, what);
        return new Args(name, inputShape, config.GetInt("filters"), kernelSize, strides, padding, dilationRate,
            ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")),
            config.GetTruthy("use_bias", true),
            Initializer.Registry.Deserialize(config.GetValueOr("kernel_initializer", "glorot_uniform")),
            Initializer.ReadWeightInitializer(config, "bias_initializer", "zeros"),
            Regularizer.Read(config, "kernel_regularizer"),
            Regularizer.Read(config, "bias_regularizer"),
            config.GetString("data_format", null), config.GetInt("groups", 1));
    }
}
