using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>LayerNormalization</c> (Ba et al., 2016): each sample is normalized over the axes in <c>axis</c>
/// with its own mean and biased variance, y = (x − μ)/sqrt(σ² + ε)·γ + β, with γ and β spanning those axes.
/// Keras defaults (keras/src/layers/normalization/layer_normalization.py): axis -1, epsilon 1e-3, center and scale on,
/// beta zeros, gamma ones. The axes must be the last ones (<see cref="TrailingAxes"/>).
/// </summary>
public sealed class LayerNormalization : Layer
{
    public LayerNormalization(int[]? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        if (!(epsilon > 0))
            throw new ArgumentException($"LayerNormalization 'epsilon' must be positive, found {epsilon}.", nameof(epsilon));
        Axis = axis ?? [-1];
        if (Axis.Length == 0) throw new ArgumentException("LayerNormalization 'axis' must name at least one axis.", nameof(axis));
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? Initializer.Get("zeros");
        GammaInitializer = gammaInitializer ?? Initializer.Get("ones");
    }

    public override string ClassName => "LayerNormalization";

    /// <summary>Each sample is normalized on its own, so timesteps do not mix and a mask passes through, as Keras.</summary>
    public override bool SupportsMasking => true;

    /// <summary>The normalized axes, counted with the batch axis as 0 (negative from the end).</summary>
    public int[] Axis { get; }

    public double Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    public Initializer BetaInitializer { get; }

    public Initializer GammaInitializer { get; }

    /// <summary>Keras's <c>beta_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? BetaConstraint { get; init; }

    /// <summary>Keras's <c>gamma_constraint</c>; null for none.</summary>
    public Constraints.Constraint? GammaConstraint { get; init; }

    internal Tensor Gamma { get; private set; } = null!;
    internal Tensor Beta { get; private set; } = null!;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    protected override void BuildWeights(int[] inputShape)
    {
        int count = TrailingAxes.Count(Axis, inputShape, Name);
        int[] shape = inputShape[^count..];
        // Without center/scale Keras creates no beta/gamma; named constants stand in so the op (and an export) stays one shape.
        Gamma = Scale ? AddWeight("gamma", shape, GammaInitializer) : ConstantWeight("gamma", shape, 1f);
        Beta = Center ? AddWeight("beta", shape, BetaInitializer) : ConstantWeight("beta", shape, 0f);
        if (Scale) Constrain(Gamma, GammaConstraint);
        if (Center) Constrain(Beta, BetaConstraint);
    }

    private Tensor ConstantWeight(string weightName, int[] shape, float value)
    {
        var constant = Tensor.Full(value, shape);
        constant.Name = $"{Name}/{weightName}";
        return constant;
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new LayerNormOp(inputs, Gamma, Beta, (float)Epsilon));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? (long)Axis[0] : new List<object?>(Axis.Select(a => (object?)(long)a));
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["rms_scaling"] = false;
        config["beta_initializer"] = Registry<Initializer>.Serialize(BetaInitializer);
        config["gamma_initializer"] = Registry<Initializer>.Serialize(GammaInitializer);
        config["beta_regularizer"] = null;
        config["gamma_regularizer"] = null;
        config["beta_constraint"] = Constraints.Constraint.SerializeOrNull(BetaConstraint);
        config["gamma_constraint"] = Constraints.Constraint.SerializeOrNull(GammaConstraint);
        return config;
    }

    public static LayerNormalization FromConfig(Config config)
    {
        RefuseUnsupported(config, "LayerNormalization", "beta_regularizer", "gamma_regularizer");
        if (config.GetBool("rms_scaling", false))
            throw new NotSupportedException(
                $"LayerNormalization '{config.GetString("name", null) ?? "?"}' config 'rms_scaling' is true; Nabla does not implement it, only false is supported.");
        var (name, inputShape) = BaseArgs(config);
        return new LayerNormalization(TrailingAxes.Read(config, [-1]), config.GetDouble("epsilon", 1e-3), config.GetBool("center", true),
            config.GetBool("scale", true), Initializer.Registry.Deserialize(config.GetValueOr("beta_initializer", "zeros")),
            Initializer.Registry.Deserialize(config.GetValueOr("gamma_initializer", "ones")), inputShape, name)
        {
            BetaConstraint = Constraints.Constraint.Read(config, "beta_constraint"),
            GammaConstraint = Constraints.Constraint.Read(config, "gamma_constraint"),
        };
    }
}
