namespace Nabla;

/// <summary>
/// Per-sample loss weights, as Keras's <c>fit(sample_weight=, class_weight=)</c>: each sample's loss is multiplied
/// by its weight and "sum_over_batch_size" divides the batch's weighted sum by the batch size (not by the sum of
/// the weights). A class weight becomes the sample weight of every sample of that class, the class being the
/// argmax of a one-hot target or the rounded value of an integer one (keras/src/trainers/data_adapters/
/// data_adapter_utils.py, class_weight_to_sample_weights); a class missing from the map weighs 1.
/// </summary>
public static class SampleWeights
{
    /// <summary>The weights for <paramref name="samples"/> samples, or null when neither argument is given.</summary>
    internal static Tensor? ForFit(int samples, Tensor y, Tensor? sampleWeight, IReadOnlyDictionary<int, double>? classWeight)
    {
        if (sampleWeight is not null && classWeight is not null)
            throw new ArgumentException("Give either 'sampleWeight' or 'classWeight', not both (as Keras).", nameof(classWeight));
        if (classWeight is not null) return FromClassWeight(y, classWeight);
        if (sampleWeight is null) return null;
        Check(samples, sampleWeight, nameof(sampleWeight));
        return sampleWeight;
    }

    /// <summary>One finite weight ≥ 0 per sample, or an ArgumentException naming <paramref name="argument"/>.</summary>
    internal static void Check(int samples, Tensor weights, string argument)
    {
        if (weights.Rank != 1 || weights.Shape[0] != samples)
            throw new ArgumentException(
                $"'{argument}' must have shape [{samples}] (one weight per sample of x); found {Tensor.ShapeString(weights.Shape)}.", argument);
        int bad = Array.FindIndex(weights.Data, w => !float.IsFinite(w) || w < 0);
        if (bad >= 0)
            throw new ArgumentException($"'{argument}'[{bad}] = {weights.Data[bad]}; weights must be finite and ≥ 0.", argument);
    }

    /// <summary>Keras's class_weight_to_sample_weights: one weight per sample from its class.</summary>
    public static Tensor FromClassWeight(Tensor y, IReadOnlyDictionary<int, double> classWeight)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(classWeight);
        foreach (var (label, weight) in classWeight)
            if (!double.IsFinite(weight) || weight < 0)
                throw new ArgumentException($"'classWeight'[{label}] = {weight}; weights must be finite and ≥ 0.", nameof(classWeight));
        if (y.Rank == 0 || y.Rank > 2)
            throw new ArgumentException(
                $"'classWeight' needs targets of shape [N], [N, 1] or [N, classes]; found {Tensor.ShapeString(y.Shape)}.", nameof(y));
        int samples = y.Shape[0], width = y.RowSize;
        var result = new Tensor([samples]);
        for (int i = 0; i < samples; i++)
        {
            var row = y.Data.AsSpan(i * width, width);
            int label = width > 1 ? ArgMax(row) : (int)MathF.Round(row[0], MidpointRounding.ToEven);
            result.Data[i] = (float)classWeight.GetValueOrDefault(label, 1.0);
        }
        return result;
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
            if (row[j] > row[best]) best = j;
        return best;
    }
}
