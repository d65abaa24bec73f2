using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>UnitNormalization</c>: scales each sample to unit L2 norm over <c>axis</c> (Keras's default −1; an int or
/// a list, counted with the batch axis as 0): x / sqrt(max(Σ x², 1e-12)), as keras/src/layers/normalization/
/// unit_normalization.py computes it. No weights; a timestep mask passes through.
/// </summary>
public sealed class UnitNormalization : Layer
{
    /// <summary>Keras's floor under the sum of squares (so an all-zero sample stays zero).</summary>
    public const float SquareSumFloor = 1e-12f;

    public UnitNormalization(int[]? axis = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        Axis = axis is { Length: > 0 } ? (int[])axis.Clone() : [-1];
    }

    public override string ClassName => "UnitNormalization";

    /// <summary>The axes normalized over, as given (batch axis 0, negative from the end).</summary>
    public int[] Axis { get; }

    public override bool SupportsMasking => true;

    /// <summary>The sum runs over each call's own axes: any axis may be unknown.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ResolvedAxes(inputShape.Length + 1);
        return inputShape;
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var sumOfSquares = Tensor.Sum(Tensor.Multiply(inputs, inputs), ResolvedAxes(inputs.Rank), keepDims: true);
        return Tensor.Divide(inputs, Tensor.Sqrt(Tensor.Clip(sumOfSquares, SquareSumFloor, float.MaxValue)));
    }

    /// <summary>The axes for inputs of this rank (batch axis included), checked to name existing non-batch axes once each.</summary>
    private int[] ResolvedAxes(int rank)
    {
        var resolved = Axis.Select(a => a < 0 ? a + rank : a).ToArray();
        if (resolved.Any(a => a < 1 || a >= rank) || resolved.Distinct().Count() != resolved.Length)
            throw new ArgumentException(
                $"Layer '{Name}' (UnitNormalization): axis [{string.Join(", ", Axis)}] must name distinct axes of inputs of rank {rank} other " +
                "than the batch axis 0.");
        return resolved;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? (object?)(long)Axis[0] : Axis.Select(a => (object?)(long)a).ToList();
        return config;
    }

    public static UnitNormalization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new UnitNormalization(TrailingAxes.Read(config, "UnitNormalization", [-1]), inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
