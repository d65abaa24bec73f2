using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's <c>SeparableConv1D</c> and <c>SeparableConv2D</c> share (Keras's <c>BaseSeparableConv</c>): a depthwise
/// convolution without bias or activation (kernel [k..., channels, depth_multiplier]), then a convolution of window 1
/// that mixes the channels into <c>filters</c> (kernel [1..., channels·depth_multiplier, filters]), then the bias and
/// the activation. Weights in Keras's order: depthwise_kernel, pointwise_kernel, bias.
/// </summary>
public abstract class BaseSeparableConv : BaseDepthwiseConv
{
    private static readonly ActivationFunction Linear = ActivationFunction.Get("linear");

    private ConvGeometry? pointwiseGeometry;
    private Tensor? pointwiseKernel;

    /// <summary>What a separable layer adds to the depthwise arguments.</summary>
    private protected readonly record struct PointwiseArgs(int Filters, Initializer PointwiseInitializer,
        Constraints.Constraint? PointwiseConstraint = null, Regularizer? PointwiseRegularizer = null);

    private protected BaseSeparableConv(int rank, Args depthwise, PointwiseArgs pointwise) : base(rank, depthwise)
    {
        if (pointwise.Filters <= 0)
            throw new ArgumentException($"{ClassName} '{Name}': 'filters' must be a positive integer, found {pointwise.Filters}.", "filters");
        Filters = pointwise.Filters;
        PointwiseInitializer = pointwise.PointwiseInitializer;
        PointwiseConstraint = pointwise.PointwiseConstraint;
        PointwiseRegularizer = pointwise.PointwiseRegularizer;
    }

    /// <summary>Keras's <c>pointwise_regularizer</c>; null for none.</summary>
    public Regularizer? PointwiseRegularizer { get; }

    public int Filters { get; }

    public Initializer PointwiseInitializer { get; }

    /// <summary>Keras's <c>pointwise_constraint</c>; null for none.</summary>
    public Constraints.Constraint? PointwiseConstraint { get; init; }

    /// <summary>The pointwise kernel [1..., channels·depth_multiplier, filters], as Keras stores it.</summary>
    public Tensor PointwiseKernel => pointwiseKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    private protected override int OutputChannels(int channels) => Filters;

    /// <summary>The 1×1 convolution over the depthwise output of <paramref name="depthwise"/>.</summary>
    private ConvGeometry PointwiseGeometry(ConvGeometry depthwise) =>
        ConvGeometry.Create($"{ClassName} '{Name}'", depthwise.OutHeight, depthwise.OutWidth, depthwise.Channels * DepthMultiplier,
            (1, 1), (1, 1), (1, 1), ConvPadding.Valid);

    private protected override void BuildPointwise(int channels)
    {
        pointwiseKernel = AddKernel("pointwise_kernel", [.. Enumerable.Repeat(1, Rank), channels, Filters], PointwiseInitializer, PointwiseRegularizer);
        Constrain(pointwiseKernel, PointwiseConstraint);
    }

    /// <summary>Keras 3 names the separable layers' kernels "depthwise_kernel" and "pointwise_kernel", as Nabla does.</summary>
    internal override IReadOnlyList<(string Other, string Own)> WeightNameAliases => [];

    private protected override Tensor ChannelsLastCall(Tensor inputs)
    {
        var geometry = CallGeometry(inputs);
        // Made once for a fixed geometry, per call for the data's.
        var pointwise = HasFixedGeometry ? pointwiseGeometry ??= PointwiseGeometry(geometry) : PointwiseGeometry(geometry);
        var depthwise = Op.Record(new DepthwiseConvOp(inputs, DepthwiseKernel, null, geometry, Linear));
        return Op.Record(new ConvOp(depthwise, PointwiseKernel, Bias, pointwise, Activation));
    }

    /// <summary>Keras 3's keys, in its order.</summary>
    public override Config GetConfig()
    {
        var config = LayerConfig();
        config["filters"] = (long)Filters;
        Window.WriteConfig(config, Rank, Layout);
        config["depth_multiplier"] = (long)DepthMultiplier;
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = Registry<Initializer>.Serialize(DepthwiseInitializer);
        config["pointwise_initializer"] = Registry<Initializer>.Serialize(PointwiseInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(BiasInitializer);
        config["depthwise_regularizer"] = Regularizer.SerializeOrNull(DepthwiseRegularizer);
        config["pointwise_regularizer"] = Regularizer.SerializeOrNull(PointwiseRegularizer);
        config["bias_regularizer"] = Regularizer.SerializeOrNull(BiasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config["depthwise_constraint"] = Constraints.Constraint.SerializeOrNull(DepthwiseConstraint);
        config["pointwise_constraint"] = Constraints.Constraint.SerializeOrNull(PointwiseConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(BiasConstraint);
        return config;
    }

    /// <summary>The arguments a Keras 3, Keras 2 or TensorFlow.js separable config holds, with Keras's defaults.</summary>
    private protected static (Args Depthwise, PointwiseArgs Pointwise) ReadSeparableArgs(Config config, int rank, string className) =>
        (ReadArgs(config, rank, className), new PointwiseArgs(config.GetInt("filters"),
            Initializer.Registry.Deserialize(config.GetValueOr("pointwise_initializer", "glorot_uniform")),
            Constraints.Constraint.Read(config, "pointwise_constraint"), Regularizer.Read(config, "pointwise_regularizer")));
}
