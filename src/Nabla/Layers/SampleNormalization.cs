using Nabla.Configuration;
using Nabla.Initializers;

namespace Nabla.Layers;

/// <summary>
/// What Keras's per-sample normalizations share (LayerNormalization, GroupNormalization): each sample is normalized on
/// its own with epsilon added to the variance, then scaled by gamma (with <c>scale</c>) and shifted by beta (with
/// <c>center</c>); Keras's defaults epsilon 1e-3, center and scale on, beta zeros, gamma ones. Samples do not mix, so a
/// timestep mask passes through, as Keras.
/// </summary>
public abstract class SampleNormalization : Layer
{
    private protected SampleNormalization(double epsilon, bool center, bool scale, Initializer? betaInitializer, Initializer? gammaInitializer,
        int[]? inputShape, string? name) : base(name, inputShape)
    {
        if (!(epsilon > 0)) throw new ArgumentException($"{ClassName} '{Name}': 'epsilon' must be positive, found {epsilon}.", nameof(epsilon));
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? Initializer.Get("zeros");
        GammaInitializer = gammaInitializer ?? Initializer.Get("ones");
    }

    public override bool SupportsMasking => true;

    public double Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    public Initializer BetaInitializer { get; }

    public Initializer GammaInitializer { get; }

    /// <summary>Keras's <c>beta_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? BetaConstraint { get; init; }

    /// <summary>Keras's <c>gamma_constraint</c>; null for none.</summary>
    public Constraints.Constraint? GammaConstraint { get; init; }

    /// <summary>Keras's <c>beta_regularizer</c>; null for none.</summary>
    public Regularizers.Regularizer? BetaRegularizer { get; init; }

    /// <summary>Keras's <c>gamma_regularizer</c>; null for none.</summary>
    public Regularizers.Regularizer? GammaRegularizer { get; init; }

    /// <summary>Writes epsilon, center, scale, the initializers, the regularizers and the constraints, in Keras's order.</summary>
    private protected void WriteSettings(Config config)
    {
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = Registry<Initializer>.Serialize(BetaInitializer);
        config["gamma_initializer"] = Registry<Initializer>.Serialize(GammaInitializer);
        config["beta_regularizer"] = Regularizers.Regularizer.SerializeOrNull(BetaRegularizer);
        config["gamma_regularizer"] = Regularizers.Regularizer.SerializeOrNull(GammaRegularizer);
        config["beta_constraint"] = Constraints.Constraint.SerializeOrNull(BetaConstraint);
        config["gamma_constraint"] = Constraints.Constraint.SerializeOrNull(GammaConstraint);
    }

    /// <summary>The shared settings of a Keras config, with Keras's defaults (the regularizers and constraints are read by
    /// each layer's FromConfig).</summary>
    private protected static (double Epsilon, bool Center, bool Scale, Initializer Beta, Initializer Gamma) ReadSettings(Config config, string className)
    {
        RefuseNull(config, className, "epsilon");
        return (config.GetDouble("epsilon", 1e-3), config.GetTruthy("center", true), config.GetTruthy("scale", true),
            Initializer.ReadWeightInitializer(config, "beta_initializer", "zeros"),
            Initializer.ReadWeightInitializer(config, "gamma_initializer", "ones"));
    }
}
