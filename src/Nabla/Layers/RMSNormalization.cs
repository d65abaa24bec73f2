using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>RMSNormalization</c> (Zhang and Sennrich, 2019): each sample is scaled by the reciprocal root mean square
/// of its values over <c>axis</c>, y = x·rsqrt(mean(x²) + ε)·scale, with no centring and no offset; <c>scale</c> spans
/// those axes. Keras's defaults (keras/src/layers/normalization/rms_normalization.py): axis −1, epsilon 1e-6, scale ones.
/// The axes must be the last ones (<see cref="TrailingAxes"/>).
/// </summary>
public sealed class RMSNormalization : Layer
{
    /// <summary>Keras's default epsilon for this layer (rms_normalization.py), unlike LayerNormalization's 1e-3.</summary>
    public const double DefaultEpsilon = 1e-6;

    public RMSNormalization(int[]? axis = null, double epsilon = DefaultEpsilon, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        Axis = axis is null ? [-1] : (int[])axis.Clone();
        if (Axis.Length == 0) throw new ArgumentException("RMSNormalization 'axis' must name at least one axis.", nameof(axis));
        if (!(epsilon > 0 && double.IsFinite(epsilon)))
            throw new ArgumentException($"RMSNormalization '{Name}': 'epsilon' must be a positive number, found {epsilon}.", nameof(epsilon));
        Epsilon = epsilon;
    }

    public override string ClassName => "RMSNormalization";

    /// <summary>The normalized axes, counted with the batch axis as 0 (negative from the end).</summary>
    public int[] Axis { get; }

    public double Epsilon { get; }

    /// <summary>The learned per-value scale, Keras's <c>scale</c> weight (initialized to ones, as Keras's).</summary>
    internal Tensor ScaleWeight { get; private set; } = null!;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    protected override void BuildWeights(int[] inputShape)
    {
        int count = TrailingAxes.Count(Axis, inputShape, Name);
        ScaleWeight = AddWeight("scale", inputShape[^count..], Initializers.Initializer.Get("ones"));
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new RmsNormOp(inputs, ScaleWeight, (float)Epsilon));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? (long)Axis[0] : new List<object?>(Axis.Select(a => (object?)(long)a));
        config["epsilon"] = Epsilon;
        return config;
    }

    public static RMSNormalization FromConfig(Config config)
    {
        // Keras fails on a None epsilon (it adds it to the mean square).
        RefuseNull(config, "RMSNormalization", "epsilon");
        var (name, inputShape) = BaseArgs(config);
        return new RMSNormalization(TrailingAxes.Read(config, "RMSNormalization", [-1]), config.GetDouble("epsilon", DefaultEpsilon), inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
