namespace Nabla.Data;

/// <summary>
/// Statistics that show at a glance whether inputs are ready for training: global range and
/// moments, per-feature spread, non-finite values, constant features. x [samples, ...] is viewed
/// as [samples, features]; non-finite values are counted and left out of every statistic.
/// </summary>
public sealed class DataSummary
{
    /// <summary>
    /// A std ratio above this between two features means one feature dominates the gradients;
    /// per-feature standardization is then worth doing (an order of magnitude, a rule of thumb).
    /// </summary>
    public const double ScaleSpreadWarning = 10;

    public required int Samples { get; init; }
    public required int Features { get; init; }
    public required double Min { get; init; }
    public required double Max { get; init; }
    public required double Mean { get; init; }
    public required double Std { get; init; }
    public required long NaNCount { get; init; }
    public required long InfCount { get; init; }

    /// <summary>Smallest and largest of the per-feature means and standard deviations.</summary>
    public required (double Min, double Max) FeatureMeanRange { get; init; }
    public required (double Min, double Max) FeatureStdRange { get; init; }

    /// <summary>Indices of features with the same value in every sample (with at least 2 samples).</summary>
    public required IReadOnlyList<int> ConstantFeatures { get; init; }

    /// <summary>Largest feature std divided by the smallest non-zero one; null when fewer than one feature varies.</summary>
    public required double? ScaleSpread { get; init; }

    /// <summary>The values leave [-1, 1]: the "inputs not normalized" sign saturating units react to.</summary>
    public bool OutsideUnitRange => Min < -1 || Max > 1;

    /// <summary>One line per problem found, each saying what to do; empty when the data looks ready.</summary>
    public IReadOnlyList<string> Hints()
    {
        var hints = new List<string>();
        if (NaNCount > 0 || InfCount > 0)
            hints.Add($"{NaNCount} NaN and {InfCount} infinite values: remove or impute them, they poison every gradient");
        if (OutsideUnitRange)
            hints.Add($"inputs not normalized: values span [{Min:G6}, {Max:G6}], outside [-1, 1]; rescale (e.g. divide by 255) or standardize");
        if (ScaleSpread is > ScaleSpreadWarning)
            hints.Add($"features on different scales: max std / min non-zero std = {ScaleSpread:G4}; standardize per feature");
        if (ConstantFeatures.Count > 0)
            hints.Add($"{ConstantFeatures.Count} constant feature(s) carry no information (e.g. index {string.Join(", ", ConstantFeatures.Take(5))})");
        return hints;
    }

    public static DataSummary Compute(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int samples = x.Rank == 0 ? 1 : x.Shape[0];
        int features = x.Rank == 0 ? 1 : x.RowSize;
        if (x.Size == 0)
            throw new ArgumentException($"Expected at least one value; found shape {Tensor.ShapeString(x.Shape)}.", nameof(x));

        var count = new long[features];
        var sum = new double[features];
        var featureMin = new double[features];
        var featureMax = new double[features];
        Array.Fill(featureMin, double.PositiveInfinity);
        Array.Fill(featureMax, double.NegativeInfinity);
        long nan = 0, inf = 0;
        for (int i = 0; i < x.Size; i++)
        {
            float v = x.Data[i];
            if (float.IsNaN(v)) { nan++; continue; }
            if (float.IsInfinity(v)) { inf++; continue; }
            int f = i % features;
            count[f]++;
            sum[f] += v;
            featureMin[f] = Math.Min(featureMin[f], v);
            featureMax[f] = Math.Max(featureMax[f], v);
        }
        var mean = new double[features];
        for (int f = 0; f < features; f++) mean[f] = count[f] > 0 ? sum[f] / count[f] : double.NaN;
        // Second pass around the means: exact enough for features with large offsets (e.g. years).
        var squares = new double[features];
        for (int i = 0; i < x.Size; i++)
        {
            float v = x.Data[i];
            if (!float.IsFinite(v)) continue;
            int f = i % features;
            squares[f] += (v - mean[f]) * (v - mean[f]);
        }

        long finite = count.Sum();
        if (finite == 0)
            throw new ArgumentException($"All {x.Size} values are NaN or infinite; there is nothing to summarize.", nameof(x));
        double globalMean = sum.Sum() / finite;
        double globalSquares = 0;
        for (int f = 0; f < features; f++)
            if (count[f] > 0) globalSquares += squares[f] + count[f] * (mean[f] - globalMean) * (mean[f] - globalMean);

        var std = new double[features];
        var constant = new List<int>();
        var used = new List<int>();
        for (int f = 0; f < features; f++)
        {
            if (count[f] == 0) continue;
            used.Add(f);
            std[f] = Math.Sqrt(squares[f] / count[f]);
            if (count[f] > 1 && featureMin[f] == featureMax[f]) constant.Add(f);
        }
        var varying = used.Where(f => std[f] > 0).Select(f => std[f]).ToArray();
        return new DataSummary
        {
            Samples = samples,
            Features = features,
            Min = used.Min(f => featureMin[f]),
            Max = used.Max(f => featureMax[f]),
            Mean = globalMean,
            Std = Math.Sqrt(globalSquares / finite),
            NaNCount = nan,
            InfCount = inf,
            FeatureMeanRange = (used.Min(f => mean[f]), used.Max(f => mean[f])),
            FeatureStdRange = (used.Min(f => std[f]), used.Max(f => std[f])),
            ConstantFeatures = constant,
            ScaleSpread = varying.Length > 0 ? varying.Max() / varying.Min() : null,
        };
    }
}
