using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>DepthwiseConv2D</c> on channels_last images [batch, height, width, channels]: each input channel is
/// convolved with its own <c>depthMultiplier</c> filters and no channel mixes with another (MobileNet's depthwise
/// step). Kernel [kh, kw, channels, depth_multiplier]; output channels = channels × depth_multiplier, channel c's
/// filter m at c·depth_multiplier + m, as Keras orders them. The kernel weight is named "depthwise_kernel", the name
/// Keras 2, tf.keras and TensorFlow.js give it; files that name it as Keras 3 does, "kernel", are read too.
/// </summary>
public sealed class DepthwiseConv2D : Layer
{

    private ConvGeometry? geometry;
    private Tensor? kernel, bias;

    /// <param name="padding">"valid" (Keras's default) or "same" (TensorFlow's split: an odd extra cell at the bottom/right).</param>
    /// <param name="depthMultiplier">Filters per input channel (Keras's default 1).</param>
    /// <param name="activation">A Keras activation name; null means linear (Keras's default).</param>
    /// <param name="dataFormat">Only "channels_last" (or null); "channels_first" is refused.</param>
    public DepthwiseConv2D(Size2D kernelSize, Size2D? strides = null, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, Size2D? dilationRate = null, string? activation = null, bool useBias = true,
        string depthwiseInitializer = "glorot_uniform", string biasInitializer = "zeros", string? depthwiseRegularizer = null,
        string? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : this(kernelSize, strides ?? 1, padding, depthMultiplier, dataFormat, dilationRate ?? 1, ActivationFunction.Get(activation),
            useBias, Initializer.Get(depthwiseInitializer), Initializer.Get(biasInitializer),
            depthwiseRegularizer is null ? null : Regularizer.Get(depthwiseRegularizer),
            biasRegularizer is null ? null : Regularizer.Get(biasRegularizer), inputShape, name)
    {
    }

    public DepthwiseConv2D(Size2D kernelSize, Size2D strides, string padding, int depthMultiplier, string? dataFormat,
        Size2D dilationRate, ActivationFunction activation, bool useBias, Initializer depthwiseInitializer, Initializer biasInitializer,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        string what = $"{ClassName} '{Name}'";
        if (depthMultiplier <= 0)
            throw new ArgumentException($"{what}: 'depth_multiplier' must be a positive integer, found {depthMultiplier}.", nameof(depthMultiplier));
        ConvOptions.CheckDataFormat(what, dataFormat);
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
        Activation = activation;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer;
        BiasInitializer = biasInitializer;
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
    }

    public override string ClassName => "DepthwiseConv2D";

    private readonly ConvWindow window;

    public Size2D KernelSize => window.KernelSize.Plane;

    public Size2D Strides => window.Strides.Plane;

    public Size2D DilationRate => window.DilationRate.Plane;

    /// <summary>"valid" or "same".</summary>
    public string Padding => window.PaddingName;

    public int DepthMultiplier { get; }

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

    /// <summary>The depthwise kernel [kh, kw, channels, depth_multiplier], as Keras stores it.</summary>
    public Tensor DepthwiseKernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    private ConvPadding PaddingMode => window.Padding;

    private ConvGeometry Geometry(int[] inputShape) =>
        ConvOptions.Geometry(this, 2, inputShape, KernelSize, Strides, DilationRate, PaddingMode);

    /// <summary>The built geometry (explicit paddings included), for exporters.</summary>
    internal ConvGeometry BuiltGeometry => geometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        var g = Geometry(inputShape);
        return [g.OutHeight, g.OutWidth, checked(g.Channels * DepthMultiplier)];
    }

    protected override void BuildWeights(int[] inputShape)
    {
        geometry = Geometry(inputShape);
        int channels = inputShape[^1];
        // AddKernel gives the doctor Keras's fans for this shape: fan_in = kh·kw·channels, fan_out = kh·kw·depth_multiplier.
        kernel = AddKernel("depthwise_kernel", [KernelSize.Height, KernelSize.Width, channels, DepthMultiplier],
            DepthwiseInitializer, DepthwiseRegularizer);
        Constrain(kernel, DepthwiseConstraint);
        if (UseBias) Constrain(bias = AddWeight("bias", [channels * DepthMultiplier], BiasInitializer, regularizer: BiasRegularizer), BiasConstraint);
    }

    /// <summary>Keras 3 creates the kernel as "kernel" (keras/src/layers/convolutional/base_depthwise_conv.py), so its
    /// conversions name it "&lt;layer&gt;/kernel".</summary>
    internal override IReadOnlyList<(string Other, string Own)> WeightNameAliases => [("kernel", "depthwise_kernel")];

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new DepthwiseConvOp(inputs, DepthwiseKernel, bias, geometry!, Activation));
    }

    /// <summary>Keras 3's keys, in its order.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["depth_multiplier"] = (long)DepthMultiplier;
        window.WriteConfig(config, 2);
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = Registry<Initializer>.Serialize(DepthwiseInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(BiasInitializer);
        config["depthwise_regularizer"] = DepthwiseRegularizer is null ? null : Registry<Regularizer>.Serialize(DepthwiseRegularizer);
        config["bias_regularizer"] = BiasRegularizer is null ? null : Registry<Regularizer>.Serialize(BiasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config["depthwise_constraint"] = Constraints.Constraint.SerializeOrNull(DepthwiseConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(BiasConstraint);
        return config;
    }

    /// <summary>Reads a Keras 3, Keras 2 or TensorFlow.js config.</summary>
    public static DepthwiseConv2D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "DepthwiseConv2D", "depth_multiplier");
        var (kernelSize, strides, padding, dilationRate) = ConvWindow.Read(config, 2, $"DepthwiseConv2D '{name ?? "?"}'");
        return new DepthwiseConv2D(kernelSize.Plane, strides.Plane, padding,
            config.GetInt("depth_multiplier", 1),
            config.GetString("data_format", null),
            dilationRate.Plane,
            ActivationFunction.Deserialize(config.GetValueOr("activation", "linear")),
            config.GetTruthy("use_bias", true),
            Initializer.Registry.Deserialize(config.GetValueOr("depthwise_initializer", "glorot_uniform")),
            Initializer.ReadWeightInitializer(config, "bias_initializer", "zeros"),
            config.TryGet("depthwise_regularizer", out var dr) ? Regularizer.Registry.Deserialize(dr!) : null,
            config.TryGet("bias_regularizer", out var br) ? Regularizer.Registry.Deserialize(br!) : null,
            inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
            DepthwiseConstraint = Constraints.Constraint.Read(config, "depthwise_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
        };
    }
}
