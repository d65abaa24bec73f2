using Nabla.Autograd;
using Nabla.Initializers;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>BatchNormalization</c> over one feature axis, the last by default. Training normalizes with the batch's mean and
/// (biased) variance and moves the running statistics: moving = moving·momentum + batch·(1 − momentum).
/// Inference uses the running statistics. Keras defaults: momentum 0.99, epsilon 1e-3, center and scale on, axis -1.
/// Any one axis but the batch's may be normalized: 1 for channels-first images, as their models write it. Another axis than
/// the last is moved last for the computation and back after it (the moments and weights are per feature either way).
/// </summary>
public sealed class BatchNormalization : Layer
{
    /// <summary>Keras's default momentum of the moving statistics.</summary>
    public const double DefaultMomentum = 0.99;

    public BatchNormalization(double momentum = DefaultMomentum, double epsilon = 1e-3, bool center = true, bool scale = true,
        int[]? inputShape = null, string? name = null, int axis = -1) : base(name, inputShape)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentException($"BatchNormalization 'momentum' must be in [0, 1], found {momentum}.", nameof(momentum));
        if (!(epsilon > 0))
            throw new ArgumentException($"BatchNormalization 'epsilon' must be positive, found {epsilon}.", nameof(epsilon));
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        Axis = axis;
    }

    public override string ClassName => "BatchNormalization";

    private protected override string? UnsupportedMaskUse => "its batch moments (masked timesteps are excluded)";

    public double Momentum { get; }

    public double Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    /// <summary>Keras's <c>beta_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? BetaConstraint { get; init; }

    /// <summary>Keras's <c>gamma_constraint</c>; null for none.</summary>
    public Constraints.Constraint? GammaConstraint { get; init; }

    /// <summary>Keras's <c>beta_regularizer</c>; null for none.</summary>
    public Regularizers.Regularizer? BetaRegularizer { get; init; }

    /// <summary>Keras's <c>gamma_regularizer</c>; null for none.</summary>
    public Regularizers.Regularizer? GammaRegularizer { get; init; }

    /// <summary>Keras's <c>beta_initializer</c>; zeros by default.</summary>
    public Initializer BetaInitializer { get; init; } = Initializer.Get("zeros");

    /// <summary>Keras's <c>gamma_initializer</c>; ones by default.</summary>
    public Initializer GammaInitializer { get; init; } = Initializer.Get("ones");

    /// <summary>Keras's <c>moving_mean_initializer</c>; zeros by default.</summary>
    public Initializer MovingMeanInitializer { get; init; } = Initializer.Get("zeros");

    /// <summary>Keras's <c>moving_variance_initializer</c>; ones by default.</summary>
    public Initializer MovingVarianceInitializer { get; init; } = Initializer.Get("ones");

    /// <summary>The normalized feature axis, counted with the batch axis as 0 (negative from the end).</summary>
    public int Axis { get; }

    internal Tensor Gamma { get; private set; } = null!;
    internal Tensor Beta { get; private set; } = null!;
    internal Tensor MovingMean { get; private set; } = null!;
    internal Tensor MovingVariance { get; private set; } = null!;

    /// <summary>Only the normalized axis sizes the weights; the others may be unknown (an image of any size).</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => new FeatureAxis(Axis).MayBeUnknown(axis, rank);

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        new FeatureAxis(Axis).Check($"BatchNormalization '{Name}'", inputShape);
        return inputShape;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        int features = new FeatureAxis(Axis).Features(inputShape);
        // Without center/scale Keras creates no beta/gamma; constants stand in so the op stays one shape.
        Gamma = Scale ? AddWeight("gamma", [features], GammaInitializer, regularizer: GammaRegularizer) : Tensor.Full(1f, features);
        Beta = Center ? AddWeight("beta", [features], BetaInitializer, regularizer: BetaRegularizer) : new Tensor(features);
        if (Scale) Constrain(Gamma, GammaConstraint);
        if (Center) Constrain(Beta, BetaConstraint);
        MovingMean = AddWeight("moving_mean", [features], MovingMeanInitializer, trainable: false);
        MovingVariance = AddWeight("moving_variance", [features], MovingVarianceInitializer, trainable: false);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return new FeatureAxis(Axis).Call(inputs, x => Op.Record(new BatchNormOp(x, this, training)));
    }

    /// <summary>Moves the normalized axis last when it is not.</summary>
    internal override int[]? ChannelsLastOrder(int rank) => new FeatureAxis(Axis).ToLastOrder(rank);

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = (long)Axis;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = Registry<Initializer>.Serialize(BetaInitializer);
        config["gamma_initializer"] = Registry<Initializer>.Serialize(GammaInitializer);
        config["moving_mean_initializer"] = Registry<Initializer>.Serialize(MovingMeanInitializer);
        config["moving_variance_initializer"] = Registry<Initializer>.Serialize(MovingVarianceInitializer);
        config["beta_regularizer"] = Regularizers.Regularizer.SerializeOrNull(BetaRegularizer);
        config["gamma_regularizer"] = Regularizers.Regularizer.SerializeOrNull(GammaRegularizer);
        config["beta_constraint"] = Constraints.Constraint.SerializeOrNull(BetaConstraint);
        config["gamma_constraint"] = Constraints.Constraint.SerializeOrNull(GammaConstraint);
        return config;
    }

    public static BatchNormalization FromConfig(Config config)
    {
        // Keras fails on a None momentum or epsilon (float(None)).
        RefuseNull(config, "BatchNormalization", "momentum", "epsilon");
        var (name, inputShape) = BaseArgs(config);
        ReadKerasOnlySettings(config, name);
        int[] axes = TrailingAxes.Read(config, "BatchNormalization", [-1]);
        if (axes.Length != 1)
            throw new NotSupportedException(
                $"BatchNormalization '{name ?? "?"}' config 'axis' is [{string.Join(", ", axes)}]; Nabla normalizes over one feature axis.");
        return new BatchNormalization(config.GetDouble("momentum", DefaultMomentum), config.GetDouble("epsilon", 1e-3),
            config.GetTruthy("center", true), config.GetTruthy("scale", true), inputShape, name, axes[0])
        {
            BetaConstraint = Constraints.Constraint.Read(config, "beta_constraint"),
            GammaConstraint = Constraints.Constraint.Read(config, "gamma_constraint"),
            BetaRegularizer = Regularizers.Regularizer.Read(config, "beta_regularizer"),
            GammaRegularizer = Regularizers.Regularizer.Read(config, "gamma_regularizer"),
            BetaInitializer = Initializer.ReadWeightInitializer(config, "beta_initializer", "zeros"),
            GammaInitializer = Initializer.ReadWeightInitializer(config, "gamma_initializer", "ones"),
            MovingMeanInitializer = Initializer.ReadWeightInitializer(config, "moving_mean_initializer", "zeros"),
            MovingVarianceInitializer = Initializer.ReadWeightInitializer(config, "moving_variance_initializer", "ones"),
        };
    }

    /// <summary>Keras arguments of BatchNormalization that Nabla reads at their default only (renorm*: tf.keras 2 and the
    /// newest Keras 3, keras/src/layers/normalization/batch_normalization.py).</summary>
    private static void ReadKerasOnlySettings(Config config, string? name)
    {
        // Batch renormalization (tf.keras 2 writes it only when on, the newest Keras 3 always) corrects the batch statistics towards the moving ones.
        if (config.GetBool("renorm", false))
            throw new ArgumentException($"BatchNormalization '{name ?? "?"}' config 'renorm' is true; Nabla does not implement batch renormalization, only false is supported.");
        // tf.keras 2's ghost batches normalize each sub-batch on its own statistics.
        RefuseUnsupported(config, "BatchNormalization", "virtual_batch_size");
        // Without effect here: renorm_clipping and renorm_momentum tune renormalization, which is off; synchronized
        // (Keras 3, tf.keras 2.12+) averages the statistics over devices, and Nabla runs on one; fused (tf.keras 2) picks
        // a fused kernel for the same normalization.
        config.MarkWithoutEffect("renorm_clipping", "renorm_momentum", "synchronized", "fused");
    }
}
