using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>SeparableConv2D</c> (Xception's convolution): a depthwise convolution (each channel with its own
/// <c>depthMultiplier</c> filters, kernel [kh, kw, channels, depth_multiplier]), then a 1×1 convolution that mixes the
/// channels into <c>filters</c> (kernel [1, 1, channels·depth_multiplier, filters]), then the bias and the activation.
/// Weights in Keras's order: depthwise_kernel, pointwise_kernel, bias.
/// </summary>
public sealed class SeparableConv2D : Layer
{
    // Keras's regularizers of the two kernels, which Nabla does not implement.
    private static readonly string[] UnsupportedKeys = ["depthwise_regularizer", "pointwise_regularizer"];

    private static readonly ActivationFunction Linear = ActivationFunction.Get("linear");

    private ConvGeometry? depthwiseGeometry, pointwiseGeometry;
    private Tensor? depthwiseKernel, pointwiseKernel, bias;

    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    public SeparableConv2D(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", int depthMultiplier = 1,
        Size2D? dilationRate = null, string? activation = null, bool useBias = true, string depthwiseInitializer = "glorot_uniform",
        string pointwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", string? biasRegularizer = null,
        int[]? inputShape = null, string? name = null, string? dataFormat = null)
        : this(filters, kernelSize, strides ?? 1, padding, depthMultiplier, dilationRate ?? 1, ActivationFunction.Get(activation), useBias,
            Initializer.Get(depthwiseInitializer), Initializer.Get(pointwiseInitializer), Initializer.Get(biasInitializer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name, dataFormat)
    {
    }

    public SeparableConv2D(int filters, Size2D kernelSize, Size2D strides, string padding, int depthMultiplier, Size2D dilationRate,
        ActivationFunction activation, bool useBias, Initializer depthwiseInitializer, Initializer pointwiseInitializer,
        Initializer biasInitializer, Regularizer? biasRegularizer, int[]? inputShape, string? name, string? dataFormat)
        : base(name, inputShape)
    {
        string what = $"SeparableConv2D '{Name}'";
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        if (depthMultiplier <= 0)
            throw new ArgumentException($"{what}: 'depth_multiplier' must be a positive integer, found {depthMultiplier}.", nameof(depthMultiplier));
        ConvOptions.CheckDataFormat(what, dataFormat);
        Filters = filters;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
        Activation = activation;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer;
        PointwiseInitializer = pointwiseInitializer;
        BiasInitializer = biasInitializer;
        BiasRegularizer = biasRegularizer;
    }

    public override string ClassName => "SeparableConv2D";

    public int Filters { get; }

    private readonly ConvWindow window;

    public Size2D KernelSize => window.KernelSize.Plane;

    public Size2D Strides => window.Strides.Plane;

    public Size2D DilationRate => window.DilationRate.Plane;

    public string Padding => window.PaddingName;

    public int DepthMultiplier { get; }

    /// <summary>The activation; settable so that a repair can swap it before training.</summary>
    public ActivationFunction Activation { get; set; }

    public bool UseBias { get; }

    public Initializer DepthwiseInitializer { get; }

    public Initializer PointwiseInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? BiasRegularizer { get; }

    /// <summary>Keras's <c>depthwise_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? DepthwiseConstraint { get; init; }

    /// <summary>Keras's <c>pointwise_constraint</c>; null for none.</summary>
    public Constraints.Constraint? PointwiseConstraint { get; init; }

    /// <summary>Keras's <c>bias_constraint</c>; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; init; }

    public Tensor DepthwiseKernel => depthwiseKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor PointwiseKernel => pointwiseKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    private ConvPadding PaddingMode => window.Padding;

    /// <summary>The built geometry of the depthwise step (explicit paddings included), for exporters.</summary>
    internal ConvGeometry BuiltGeometry => depthwiseGeometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        var g = ConvOptions.Geometry(this, 2, inputShape, KernelSize, Strides, DilationRate, PaddingMode);
        return [g.OutHeight, g.OutWidth, Filters];
    }

    protected override void BuildWeights(int[] inputShape)
    {
        var g = ConvOptions.Geometry(this, 2, inputShape, KernelSize, Strides, DilationRate, PaddingMode);
        int channels = checked(inputShape[^1] * DepthMultiplier);
        depthwiseGeometry = g;
        pointwiseGeometry = ConvGeometry.Create($"SeparableConv2D '{Name}'", g.OutHeight, g.OutWidth, channels, (1, 1), (1, 1), (1, 1), ConvPadding.Valid);
        depthwiseKernel = AddKernel("depthwise_kernel", [KernelSize.Height, KernelSize.Width, inputShape[^1], DepthMultiplier], DepthwiseInitializer);
        pointwiseKernel = AddKernel("pointwise_kernel", [1, 1, channels, Filters], PointwiseInitializer);
        Constrain(depthwiseKernel, DepthwiseConstraint);
        Constrain(pointwiseKernel, PointwiseConstraint);
        if (UseBias) Constrain(bias = AddWeight("bias", [Filters], BiasInitializer, regularizer: BiasRegularizer), BiasConstraint);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var depthwise = Op.Record(new DepthwiseConvOp(inputs, DepthwiseKernel, null, depthwiseGeometry!, Linear));
        return Op.Record(new ConvOp(depthwise, PointwiseKernel, bias, pointwiseGeometry!, Activation));
    }

    /// <summary>Keras 3's keys; the kernels' regularizers, which Nabla does not implement, are always null.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = (long)Filters;
        window.WriteConfig(config, 2);
        config["depth_multiplier"] = (long)DepthMultiplier;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = Registry<Initializer>.Serialize(DepthwiseInitializer);
        config["pointwise_initializer"] = Registry<Initializer>.Serialize(PointwiseInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(BiasInitializer);
        config["bias_regularizer"] = BiasRegularizer is null ? null : Registry<Regularizer>.Serialize(BiasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        foreach (string key in UnsupportedKeys) config[key] = null;
        config["depthwise_constraint"] = Constraints.Constraint.SerializeOrNull(DepthwiseConstraint);
        config["pointwise_constraint"] = Constraints.Constraint.SerializeOrNull(PointwiseConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(BiasConstraint);
        return config;
    }

    public static SeparableConv2D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseUnsupported(config, "SeparableConv2D", UnsupportedKeys);
        RefuseNull(config, "SeparableConv2D", "depth_multiplier");
        var (kernelSize, strides, padding, dilationRate) = ConvWindow.Read(config, 2, $"SeparableConv2D '{name ?? "?"}'");
        return new SeparableConv2D(config.GetInt("filters"), kernelSize.Plane, strides.Plane, padding, config.GetInt("depth_multiplier", 1), dilationRate.Plane,
            ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")), config.GetTruthy("use_bias", true),
            Initializer.Registry.Deserialize(config.GetValueOr("depthwise_initializer", "glorot_uniform")),
            Initializer.Registry.Deserialize(config.GetValueOr("pointwise_initializer", "glorot_uniform")),
            Initializer.ReadWeightInitializer(config, "bias_initializer", "zeros"),
            config.TryGet("bias_regularizer", out var br) ? Regularizer.Registry.Deserialize(br!) : null,
            inputShape, name, config.GetString("data_format", null))
        {
            Trainable = config.GetBool("trainable", true),
            DepthwiseConstraint = Constraints.Constraint.Read(config, "depthwise_constraint"),
            PointwiseConstraint = Constraints.Constraint.Read(config, "pointwise_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
