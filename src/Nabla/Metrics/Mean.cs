using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// Keras's <c>Mean</c>: the weighted mean of the values given. The training loop feeds each batch's loss
/// weighted by the batch size, so the epoch loss is the mean over samples even when the last batch is short.
/// </summary>
public sealed class Mean(string name = "mean") : Metric(name)
{
    private double total, count;

    public override string ClassName => "Mean";

    public static Mean FromConfig(Config config) => new(ReadName(config, "mean"));

    public void Update(double value, double weight = 1.0)
    {
        total += value * weight;
        count += weight;
    }

    /// <summary>A Mean is fed values, not targets and predictions: use <see cref="Update(double, double)"/>.</summary>
    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight) =>
        throw new NotSupportedException($"Metric '{Name}' (Mean) averages values: call Update(value, weight).");

    /// <summary>0 before any update, as Keras (divide_no_nan).</summary>
    public override double Result() => count == 0 ? 0 : total / count;

    public override void Reset() => total = count = 0;
}

/// <summary>Keras's <c>Sum</c> (keras/src/metrics/reduction_metrics.py): the weighted sum Σ w·value of the values given.</summary>
public sealed class Sum(string name = "sum") : Metric(name)
{
    private double total;

    public override string ClassName => "Sum";

    public static Sum FromConfig(Config config) => new(ReadName(config, "sum"));

    public void Update(double value, double weight = 1.0) => total += value * weight;

    /// <summary>A Sum is fed values, not targets and predictions: use <see cref="Update(double, double)"/>.</summary>
    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight) =>
        throw new NotSupportedException($"Metric '{Name}' (Sum) adds values: call Update(value, weight).");

    public override double Result() => total;

    public override void Reset() => total = 0;
}

/// <summary>
/// Keras's <c>MeanMetricWrapper</c>: a value per sample (a row of targets and predictions), averaged over
/// all samples seen; with sample weights the weighted mean Σ w·value / Σ w (keras/src/metrics/reduction_metrics.py,
/// Mean.update_state), which is 0 while every weight seen is 0.
/// </summary>
public abstract class SampleMeanMetric(string name) : Metric(name)
{
    private double total, count;

    public override bool WeighsByMask => true;

    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        CheckWidths(yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        PrepareBatch(yTrue, yPredWidth);
        for (int r = 0; r < batch; r++)
            AddSample(WeightOf(sampleWeight, r), SampleValue(yTrue.Slice(r * yTrueWidth, yTrueWidth), yPred.Slice(r * yPredWidth, yPredWidth)));
    }

    /// <summary>Counts one sample's value with its weight.</summary>
    private protected void AddSample(double weight, double value)
    {
        total += weight * value;
        count += weight;
    }

    public override double Result() => count == 0 ? 0 : total / count;

    public override void Reset()
    {
        total = 0;
        count = 0;
    }

    /// <summary>Throws when the widths cannot go together; by default they must be equal.</summary>
    protected virtual void CheckWidths(int yTrueWidth, int yPredWidth) => RequireSameWidth(yTrueWidth, yPredWidth);

    /// <summary>Throws unless the widths are equal or the targets have one value per sample (broadcast over the predictions).</summary>
    protected void RequireSameOrOneWidth(int yTrueWidth, int yPredWidth)
    {
        if (yTrueWidth != 1) RequireSameWidth(yTrueWidth, yPredWidth);
    }

    /// <summary>Looks at the whole batch's targets before its samples (hinge decides there whether labels are 0/1).</summary>
    protected virtual void PrepareBatch(ReadOnlySpan<float> yTrue, int yPredWidth) { }

    protected abstract double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred);

    /// <summary>The first index of the largest value (argmax, as NumPy and TensorFlow break ties).</summary>
    protected static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
