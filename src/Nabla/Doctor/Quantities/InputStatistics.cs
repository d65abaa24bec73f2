namespace Nabla.Doctor;

/// <summary>Magnitude summary of input values: the 99th percentile of |x| (robust to a few outliers) and the max, and whether
/// every value is the same (inputs that do not vary carry nothing a model could learn from).</summary>
internal readonly record struct InputStatistics(double P99, double Max, bool Constant = false)
{
    /// <summary>Looks at up to 65,536 evenly spaced values, enough for a stable percentile.</summary>
    public static InputStatistics Measure(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return new(0, 0);
        bool constant = values.IndexOfAnyExcept(values[0]) < 0;
        int stride = Math.Max(1, values.Length / 65536);
        var sample = new float[(values.Length + stride - 1) / stride];
        for (int i = 0, j = 0; i < values.Length; i += stride, j++) sample[j] = MathF.Abs(values[i]);
        Array.Sort(sample);
        return new(sample[(int)Math.Min(sample.Length - 1, Math.Floor(0.99 * sample.Length))], sample[^1], constant);
    }
}
