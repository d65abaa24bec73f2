using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's <c>DepthwiseConv1D</c> and <c>DepthwiseConv2D</c> share (Keras's <c>BaseDepthwiseConv</c>), and the
/// depthwise step of the separable convolutions: each input channel convolved with its own <c>depthMultiplier</c>
/// filters, kernel [k..., channels, depth_multiplier] as Keras stores it (either <see cref="DataFormat"/>), output channel c·depth_multiplier + m for
/// channel c's filter m. A 1-D convolution is computed as a 2-D one of height 1: [batch, steps, channels] and a kernel
/// [k, channels, depth_multiplier] hold the same numbers as [batch, 1, steps, channels] and [1, k, channels, multiplier].
/// The kernel weight is named "depthwise_kernel", the name Keras 2, tf.keras and TensorFlow.js give it; files that
/// name it as Keras 3 does, "kernel", are read too.
/// </summary>
public abstract class BaseDepthwiseConv : Layer
{
    private readonly int rank;
    private readonly ConvWindow window;
    private ConvGeometry? geometry;
    private readonly ImageLayout layout;
    private Tensor? depthwiseKernel, bias;

    /// <summary>The constructor arguments the depthwise layers share, from C# or from a Keras config.</summary>
    private protected readonly record struct Args(
        string? Name, int[]? InputShape, Size3D KernelSize, Size3D Strides, string Padding, int DepthMultiplier, string? DataFormat,
        Size3D DilationRate, ActivationFunction Activation, bool UseBias, Initializer DepthwiseInitializer, Initializer BiasInitializer,
        Regularizer? DepthwiseRegularizer, Regularizer? BiasRegularizer, bool Trainable = true,
        Constraints.Constraint? DepthwiseConstraint = null, Constraints.Constraint? BiasConstraint = null);

    private protected BaseDepthwiseConv(int rank, Args a) : base(a.Name, a.InputShape)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        if (a.DepthMultiplier <= 0)
            throw new ArgumentException($"{what}: 'depth_multiplier' must be a positive integer, found {a.DepthMultiplier}.", "depthMultiplier");
        layout = ImageLayout.Parse(what, a.DataFormat);
        // Keras 3's depthwise and separable layers take "valid" or "same" only (standardize_padding without allow_causal).
        window = ConvWindow.Check(what, a.KernelSize, a.Strides, a.DilationRate, a.Padding, allowCausal: false);
        DepthMultiplier = a.DepthMultiplier;
        Activation = a.Activation;
        UseBias = a.UseBias;
        DepthwiseInitializer = a.DepthwiseInitializer;
        BiasInitializer = a.BiasInitializer;
        DepthwiseRegularizer = a.DepthwiseRegularizer;
        BiasRegularizer = a.BiasRegularizer;
        Trainable = a.Trainable;
        DepthwiseConstraint = a.DepthwiseConstraint;
        BiasConstraint = a.BiasConstraint;
    }

    /// <summary>"valid" or "same".</summary>
    public string Padding => window.PaddingName;

    public int DepthMultiplier { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    private protected ImageLayout Layout => layout;

    internal override int[]? ChannelsLastOrder(int rank) => layout.ToLastOrder(rank);

    /// <summary>The activation; settable so that a repair can swap it before training.</summary>
    public ActivationFunction Activation { get; set; }

    public bool UseBias { get; }

    public Initializer DepthwiseInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? DepthwiseRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    /// <summary>Keras's <c>depthwise_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? DepthwiseConstraint { get; init; }

    /// <summary>Keras's <c>bias_constraint</c>; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; init; }

    /// <summary>The depthwise kernel [k..., channels, depth_multiplier] ([k, c, m] in 1-D, [kh, kw, c, m] in 2-D), as Keras stores it.</summary>
    public Tensor DepthwiseKernel => depthwiseKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    /// <summary>1 for the 1-D layers, 2 for the 2-D ones.</summary>
    internal int Rank => rank;

    /// <summary>The window, 1-D sizes as 1 × 1 × k and 2-D ones with depth 1.</summary>
    private protected ConvWindow Window => window;

    /// <summary>The built geometry (explicit paddings included, height 1 in 1-D), for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry
        ?? (IsBuilt ? throw ConvOptions.NoFixedGeometry(this) : throw new InvalidOperationException($"Layer '{Name}' is not built yet."));

    /// <summary>The spatial axes may be unknown (a sequence's length, an image's size): the kernels depend on the channels only.</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => layout.IsSpatial(axis, rank);

    /// <summary>Built with every spatial axis known: one geometry serves every call.</summary>
    private protected bool HasFixedGeometry => geometry is not null;

    /// <summary>The geometry of a call on channels-last inputs: the built one, or with an unknown spatial axis the data's.</summary>
    private protected ConvGeometry CallGeometry(Tensor channelsLast) => geometry ?? Geometry(channelsLast.Shape[1..]);

    private protected ConvGeometry Geometry(int[] inputShape) =>
        ConvOptions.Geometry(this, rank, inputShape, window.KernelSize, window.Strides, window.DilationRate, window.Padding);

    /// <summary>The output's channels for <paramref name="channels"/> input channels.</summary>
    private protected virtual int OutputChannels(int channels) => checked(channels * DepthMultiplier);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ConvOptions.CheckSpatialRank(this, rank, inputShape, layout);
        return layout.OutputShape(inputShape, channelsLast => ConvOptions.OutputShapeWithUnknownAxes(channelsLast, rank, window.KernelSize,
            window.DilationRate, shape => [.. Geometry(shape).OutSpatial(rank), OutputChannels(shape[^1])]));
    }

    protected override void BuildWeights(int[] inputShape)
    {
        inputShape = layout.ToLast(inputShape);
        // With an unknown spatial axis the geometry is the data's, made per call.
        geometry = Array.IndexOf(inputShape, UnknownDimension) < 0 ? Geometry(inputShape) : null;
        int channels = inputShape[^1];
        // AddKernel gives the doctor Keras's fans for this shape: receptive field = the window's cells,
        // fan_in = cells·channels, fan_out = cells·depth_multiplier.
        depthwiseKernel = AddKernel("depthwise_kernel", [.. window.KernelSize.Last(rank), channels, DepthMultiplier],
            DepthwiseInitializer, DepthwiseRegularizer);
        Constrain(depthwiseKernel, DepthwiseConstraint);
        BuildPointwise(channels * DepthMultiplier);
        if (UseBias)
            Constrain(bias = AddWeight("bias", [OutputChannels(channels)], BiasInitializer, regularizer: BiasRegularizer), BiasConstraint);
    }

    /// <summary>Creates what comes between the depthwise kernel and the bias (a separable layer's pointwise kernel).</summary>
    private protected virtual void BuildPointwise(int channels)
    {
    }

    /// <summary>Keras 3 creates a depthwise layer's kernel as "kernel" (keras/src/layers/convolutional/base_depthwise_conv.py),
    /// so its conversions name it "&lt;layer&gt;/kernel".</summary>
    internal override IReadOnlyList<(string Other, string Own)> WeightNameAliases => [("kernel", "depthwise_kernel")];

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return layout.Call(inputs, ChannelsLastCall);
    }

    /// <summary>The layer's computation on channels-last inputs.</summary>
    private protected virtual Tensor ChannelsLastCall(Tensor inputs) =>
        Op.Record(new DepthwiseConvOp(inputs, DepthwiseKernel, bias, CallGeometry(inputs), Activation));

    /// <summary>Keras 3's keys, in its order (BaseDepthwiseConv.get_config).</summary>
    public override Config GetConfig()
    {
        var config = LayerConfig();
        config["depth_multiplier"] = (long)DepthMultiplier;
        window.WriteConfig(config, rank, layout);
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        WriteKernelAndBiasConfig(config, DepthwiseInitializer, BiasInitializer, DepthwiseRegularizer, BiasRegularizer,
            DepthwiseConstraint, BiasConstraint, kernel: "depthwise");
        return config;
    }

    /// <summary>The keys every layer writes (name, trainable, dtype), for a subclass that writes its own after them.</summary>
    private protected Config LayerConfig() => base.GetConfig();

    /// <summary>The arguments a Keras 3, Keras 2 or TensorFlow.js depthwise config holds, with Keras's defaults.</summary>
    private protected static Args ReadArgs(Config config, int rank, string className)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, className, "depth_multiplier");
        // tf.keras 2's depthwise and separable layers keep Conv's groups (always 1 there) in their config.
        if (config.GetInt("groups", 1) != 1)
            throw new ArgumentException($"{className} '{name ?? "?"}' config 'groups' is {config.GetInt("groups")}; only 1 is supported.");
        var (kernelSize, strides, padding, dilationRate) = ConvWindow.Read(config, rank, $"{className} '{name ?? "?"}'");
        return new Args(name, inputShape, kernelSize, strides, padding, config.GetInt("depth_multiplier", 1),
            config.GetString("data_format", null), dilationRate,
            ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")),
            config.GetTruthy("use_bias", true),
            Initializer.Registry.Deserialize(config.GetValueOr("depthwise_initializer", "glorot_uniform")),
            Initializer.ReadWeightInitializer(config, "bias_initializer", "zeros"),
            Regularizer.Read(config, "depthwise_regularizer"),
            Regularizer.Read(config, "bias_regularizer"),
            config.GetBool("trainable", true),
            Constraints.Constraint.Read(config, "depthwise_constraint"),
            Constraints.Constraint.Read(config, "bias_constraint"));
    }

    /// <summary>The arguments from C#, the names turned into Keras objects (null activation is linear).</summary>
    private protected static Args NamedArgs(string? name, int[]? inputShape, Size3D kernelSize, Size3D strides, string padding,
        int depthMultiplier, string? dataFormat, Size3D dilationRate, string? activation, bool useBias, string depthwiseInitializer,
        string biasInitializer, string? depthwiseRegularizer, string? biasRegularizer) =>
        new(name, inputShape, kernelSize, strides, padding, depthMultiplier, dataFormat, dilationRate, ActivationFunction.Get(activation),
            useBias, Initializer.Get(depthwiseInitializer), Initializer.Get(biasInitializer),
            depthwiseRegularizer is null ? null : Regularizer.Get(depthwiseRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer));
}
