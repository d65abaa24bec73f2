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
public sealed class LayerNormalization : SampleNormalization
{
    public LayerNormalization(int[]? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, int[]? inputShape = null, string? name = null)
        : base(epsilon, center, scale, betaInitializer, gammaInitializer, inputShape, name)
    {
        Axis = axis ?? [-1];
        if (Axis.Length == 0) throw new ArgumentException("LayerNormalization 'axis' must name at least one axis.", nameof(axis));
    }

    public override string ClassName => "LayerNormalization";

    /// <summary>The normalized axes, counted with the batch axis as 0 (negative from the end).</summary>
    public int[] Axis { get; }

    internal Tensor Gamma { get; private set; } = null!;
    internal Tensor Beta { get; private set; } = null!;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    protected override void BuildWeights(int[] inputShape)
    {
        int count = TrailingAxes.Count(Axis, inputShape, Name);
        int[] shape = inputShape[^count..];
        // Without center/scale Keras creates no beta/gamma; named constants stand in so the op (and an export) stays one shape.
        Gamma = Scale ? AddWeight("gamma", shape, GammaInitializer, regularizer: GammaRegularizer) : ConstantWeight("gamma", shape, 1f);
        Beta = Center ? AddWeight("beta", shape, BetaInitializer, regularizer: BetaRegularizer) : ConstantWeight("beta", shape, 0f);
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
        WriteSettings(config);
        config["rms_scaling"] = false;
        return config;
    }

    public static LayerNormalization FromConfig(Config config)
    {
        if (config.GetBool("rms_scaling", false))
            throw new NotSupportedException(
                $"LayerNormalization '{config.GetString("name", null) ?? "?"}' config 'rms_scaling' is true; Nabla does not implement it, only false is supported.");
        var settings = ReadSettings(config, "LayerNormalization");
        var (name, inputShape) = BaseArgs(config);
        return new LayerNormalization(TrailingAxes.Read(config, "LayerNormalization", [-1]), settings.Epsilon, settings.Center, settings.Scale, settings.Beta,
            settings.Gamma, inputShape, name)
        {
            BetaConstraint = Constraints.Constraint.Read(config, "beta_constraint"),
            GammaConstraint = Constraints.Constraint.Read(config, "gamma_constraint"),
            BetaRegularizer = Regularizers.Regularizer.Read(config, "beta_regularizer"),
            GammaRegularizer = Regularizers.Regularizer.Read(config, "gamma_regularizer"),
        };
    }
}
