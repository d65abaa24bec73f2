namespace Nabla.Data;

/// <summary>
/// A per-feature affine scaling y = (x - Subtract) / DivideBy, as computed on training data by
/// <see cref="Preprocessing.StandardScale"/> (mean, std) or <see cref="Preprocessing.MinMaxScale"/>
/// (min, max - min), so that the same numbers can be applied to test data.
/// </summary>
public sealed class FeatureScaling
{
    private readonly float[] subtract;
    private readonly float[] divideBy;

    public FeatureScaling(float[] subtract, float[] divideBy)
    {
        ArgumentNullException.ThrowIfNull(subtract);
        ArgumentNullException.ThrowIfNull(divideBy);
        if (subtract.Length != divideBy.Length)
            throw new ArgumentException($"subtract has {subtract.Length} features but divideBy has {divideBy.Length}.", nameof(divideBy));
        int bad = Array.FindIndex(divideBy, d => !(d > 0) || !float.IsFinite(d));
        if (bad >= 0)
            throw new ArgumentException($"divideBy[{bad}] must be a positive finite number; found {divideBy[bad]}.", nameof(divideBy));
        this.subtract = (float[])subtract.Clone();
        this.divideBy = (float[])divideBy.Clone();
    }

    /// <summary>Per-feature value subtracted first (the mean, or the minimum).</summary>
    public IReadOnlyList<float> Subtract => subtract;

    /// <summary>Per-feature divisor applied next (the std, or max - min; 1 for a constant feature).</summary>
    public IReadOnlyList<float> DivideBy => divideBy;

    public int Features => subtract.Length;

    /// <summary>Returns a scaled copy of <paramref name="x"/> [samples, ...] whose features match these statistics.</summary>
    public Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0 || x.RowSize != Features)
            throw new ArgumentException(
                $"Expected x [samples, ...] with {Features} features per sample; found shape {Tensor.ShapeString(x.Shape)}.", nameof(x));
        var result = x.Clone();
        result.Name = null;
        int rows = x.Shape[0];
        for (int r = 0; r < rows; r++)
        {
            var row = result.Data.AsSpan(r * Features, Features);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, subtract, row);
            System.Numerics.Tensors.TensorPrimitives.Divide(row, divideBy, row);
        }
        return result;
    }
}
