using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>Keras metric <c>MeanAbsoluteError</c>: mean |t − p| per sample, averaged over samples. One target per
/// sample is compared with each prediction of the sample, as Keras broadcasts a last axis of 1.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : SampleMeanMetric(name)
{
    public override string ClassName => "MeanAbsoluteError";

    public static MeanAbsoluteError FromConfig(Config config) => new(ReadName(config, "mean_absolute_error"));

    protected override void CheckWidths(int yTrueWidth, int yPredWidth) => RequireSameOrOneWidth(yTrueWidth, yPredWidth);

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double sum = 0;
        for (int i = 0; i < yPred.Length; i++) sum += Math.Abs((double)yTrue[yTrue.Length == 1 ? 0 : i] - yPred[i]);
        return sum / yPred.Length;
    }
}

/// <summary>Keras metric <c>MeanSquaredError</c>: mean (t − p)² per sample, averaged over samples. One target per
/// sample is compared with each prediction of the sample, as Keras broadcasts a last axis of 1.</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : SampleMeanMetric(name)
{
    public override string ClassName => "MeanSquaredError";

    public static MeanSquaredError FromConfig(Config config) => new(ReadName(config, "mean_squared_error"));

    protected override void CheckWidths(int yTrueWidth, int yPredWidth) => RequireSameOrOneWidth(yTrueWidth, yPredWidth);

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double sum = 0;
        for (int i = 0; i < yPred.Length; i++)
        {
            double e = (double)yTrue[yTrue.Length == 1 ? 0 : i] - yPred[i];
            sum += e * e;
        }
        return sum / yPred.Length;
    }
}
