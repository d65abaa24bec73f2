namespace Nabla.Layers;

/// <summary>
/// The bin boundaries Keras 3's <c>Discretization.adapt</c> computes from one array (keras/src/layers/preprocessing/
/// discretization.py: <c>summarize</c>, <c>compress_summary</c>, <c>get_bin_boundaries</c>), step for step and in the
/// same precisions: the sorted values are thinned to about 1/epsilon points (each weighing the points it stands for), the
/// summary is compressed to epsilon, and num_bins − 1 boundaries are read off by linear interpolation of the cumulative
/// weights (NumPy's <c>interp</c>). On fewer than 1/epsilon values the summary is every value, so the boundaries are the
/// exact interpolated quantiles; with fewer values than num_bins they are every value but the largest, as in Keras.
/// Keras's summaries of several batches (a dataset) are not modelled: <see cref="Discretization.Adapt"/> takes one array.
/// </summary>
internal static class QuantileBins
{
    public static double[] Boundaries(ReadOnlySpan<float> data, double epsilon, int numBins)
    {
        var (values, weights) = Summarize(data, epsilon);
        (values, weights) = Compress(values, weights, epsilon);
        (values, _) = Compress(values, weights, 1.0 / numBins);
        var boundaries = new double[Math.Max(0, values.Length - 1)];
        for (int i = 0; i < boundaries.Length; i++) boundaries[i] = values[i];
        return boundaries;
    }

    /// <summary>Keras's <c>summarize</c>: the sorted values from index ⌊n·ε⌋ every ⌊max(n·ε, 1)⌋, each weighing max(n·ε, 1).</summary>
    private static (float[] Values, float[] Weights) Summarize(ReadOnlySpan<float> data, double epsilon)
    {
        var sorted = data.ToArray();
        Array.Sort(sorted);
        double increment = sorted.Length / (1.0 / epsilon);
        double step = Math.Max(increment, 1);
        int start = (int)increment, stride = (int)step;
        int count = start < sorted.Length ? (sorted.Length - start + stride - 1) / stride : 0;
        var values = new float[count];
        var weights = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = sorted[start + i * stride];
            weights[i] = (float)step;
        }
        return (values, weights);
    }

    /// <summary>Keras's <c>compress_summary</c>: unchanged when it has fewer than 1/ε points; else the values and
    /// cumulative weights interpolated at ε, 2ε, ... (NumPy's <c>arange(0, 1, ε) + ε</c>), back in float32.</summary>
    private static (float[] Values, float[] Weights) Compress(float[] values, float[] weights, double epsilon)
    {
        if (values.Length * epsilon < 1) return (values, weights);
        var cumulative = new float[weights.Length];
        float sum = 0;
        for (int i = 0; i < weights.Length; i++) cumulative[i] = sum += weights[i];
        var shares = new double[cumulative.Length];
        for (int i = 0; i < cumulative.Length; i++) shares[i] = cumulative[i] / cumulative[^1]; // float32 division, as NumPy's
        int count = (int)Math.Ceiling(1.0 / epsilon);
        var newValues = new float[count];
        var newWeights = new float[count];
        double previous = 0;
        for (int i = 0; i < count; i++)
        {
            double at = epsilon + i * epsilon;
            newValues[i] = (float)Interpolate(at, shares, values);
            double weight = Interpolate(at, shares, cumulative);
            newWeights[i] = (float)(weight - previous);
            previous = weight;
        }
        return (newValues, newWeights);
    }

    /// <summary>NumPy's <c>interp(x, xp, fp)</c> for increasing <paramref name="xp"/>: fp[0] left of it, fp[^1] right of it,
    /// fp[j] on a point, else the line between the neighbours, computed as NumPy does.</summary>
    private static double Interpolate(double x, double[] xp, float[] fp)
    {
        if (x < xp[0]) return fp[0];
        if (x >= xp[^1]) return fp[^1];
        int lo = 0, hi = xp.Length - 1; // the last j with xp[j] <= x
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (xp[mid] <= x) lo = mid; else hi = mid;
        }
        if (xp[lo] == x) return fp[lo];
        double slope = ((double)fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
        return slope * (x - xp[lo]) + fp[lo];
    }
}
