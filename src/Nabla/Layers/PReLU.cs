using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>PReLU</c> (He et al., 2015): x for x &gt; 0, alpha·x otherwise, with a trainable alpha per value of the
/// sample (zeros at first, so it starts as a ReLU), shared along the axes listed in <c>shared_axes</c> (counted from 1,
/// the batch axis being 0): [1, 2] gives one alpha per channel of an image.
/// </summary>
public sealed class PReLU : Layer
{
    private static readonly ActivationFunction Relu = ActivationFunction.Get("relu");
    private Tensor? alpha;

    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, int[]? sharedAxes = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        AlphaInitializer = alphaInitializer ?? Initializer.Get("zeros");
        AlphaRegularizer = alphaRegularizer;
        int[] shared = sharedAxes is null ? [] : (int[])sharedAxes.Clone();
        if (shared.Any(a => a < 1))
            throw new ArgumentException($"PReLU '{Name}': 'shared_axes' {Tensor.ShapeString(shared)} must count from 1 (the batch axis is 0).",
                nameof(sharedAxes));
        SharedAxes = shared;
    }

    public override string ClassName => "PReLU";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public Initializer AlphaInitializer { get; }

    public Regularizer? AlphaRegularizer { get; }

    public IReadOnlyList<int> SharedAxes { get; }

    /// <summary>Keras's <c>alpha_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? AlphaConstraint { get; init; }

    public Tensor Alpha => alpha ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (SharedAxes.Any(a => a > inputShape.Length))
            throw new ArgumentException(
                $"Layer '{Name}' (PReLU): 'shared_axes' {Tensor.ShapeString([.. SharedAxes])} name an axis past per-sample shape {Describe(inputShape)}.");
        return inputShape;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        var shape = (int[])inputShape.Clone();
        foreach (int axis in SharedAxes) shape[axis - 1] = 1;
        alpha = AddWeight("alpha", shape, AlphaInitializer, regularizer: AlphaRegularizer);
        Constrain(alpha, AlphaConstraint);
    }

    /// <summary>relu(x) − alpha·relu(−x), as Keras writes it; alpha broadcasts over the batch and the shared axes.</summary>
    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var negative = Relu.Apply(Tensor.Negate(inputs));
        return Tensor.Subtract(Relu.Apply(inputs), Tensor.Multiply(Alpha, negative));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["alpha_initializer"] = Registry<Initializer>.Serialize(AlphaInitializer);
        config["alpha_regularizer"] = Regularizer.SerializeOrNull(AlphaRegularizer);
        config["alpha_constraint"] = Constraints.Constraint.SerializeOrNull(AlphaConstraint);
        config["shared_axes"] = SharedAxes.Count == 0 ? null : ConvOptions.ToList([.. SharedAxes]);
        return config;
    }

    public static PReLU FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        int[]? shared = config.TryGet("shared_axes", out var value) && value is not List<object?> ? [config.GetInt("shared_axes")]
            : config.GetIntArray("shared_axes");
        return new PReLU(Initializer.ReadWeightInitializer(config, "alpha_initializer", "zeros"),
            Regularizer.Read(config, "alpha_regularizer"), shared, inputShape, name)
        {
            AlphaConstraint = Constraints.Constraint.Read(config, "alpha_constraint"),
        };
    }
}
