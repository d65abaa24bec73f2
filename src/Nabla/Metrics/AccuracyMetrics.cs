using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>Keras <c>binary_accuracy</c> (threshold 0.5): per sample, the fraction of elements where
/// (p &gt; threshold) equals t.</summary>
public sealed class BinaryAccuracy(double threshold = 0.5, string name = "binary_accuracy") : SampleMeanMetric(name)
{
    public double Threshold { get; } = threshold;

    public override string ClassName => "BinaryAccuracy";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["threshold"] = Threshold;
        return config;
    }

    /// <summary>Keras casts the threshold to the predictions' dtype, which fails on None: a null threshold is refused.</summary>
    public static BinaryAccuracy FromConfig(Config config)
    {
        config.RefuseNull("BinaryAccuracy", "threshold");
        return new(config.GetDouble("threshold", 0.5), ReadName(config, "binary_accuracy"));
    }

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        int hits = 0;
        for (int i = 0; i < yPred.Length; i++)
            if ((yPred[i] > Threshold ? 1f : 0f) == yTrue[i]) hits++;
        return (double)hits / yPred.Length;
    }
}

/// <summary>Keras <c>categorical_accuracy</c>: argmax(t) == argmax(p) for one-hot targets.</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : SampleMeanMetric(name)
{
    public override string ClassName => "CategoricalAccuracy";

    public static CategoricalAccuracy FromConfig(Config config) => new(ReadName(config, "categorical_accuracy"));

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) =>
        ArgMax(yTrue) == ArgMax(yPred) ? 1 : 0;
}

/// <summary>Keras <c>sparse_categorical_accuracy</c>: the integer label t equals argmax(p).</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : SampleMeanMetric(name)
{
    public override string ClassName => "SparseCategoricalAccuracy";

    public static SparseCategoricalAccuracy FromConfig(Config config) => new(ReadName(config, "sparse_categorical_accuracy"));

    protected override void CheckWidths(int yTrueWidth, int yPredWidth)
    {
        if (yTrueWidth != 1)
            throw new ArgumentException($"Metric '{Name}' needs one integer label per sample; got yTrue width {yTrueWidth}.");
    }

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) =>
        yTrue[0] == ArgMax(yPred) ? 1 : 0;
}

/// <summary>
/// Keras <c>top_k_categorical_accuracy</c> (k 5): the target class argmax(t) is among the k highest
/// predictions. As TensorFlow's in_top_k, classes tied with the k-th value count as inside.
/// </summary>
public sealed class TopKCategoricalAccuracy : SampleMeanMetric
{
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : base(name)
    {
        if (k < 1) throw new ArgumentException($"TopKCategoricalAccuracy k must be at least 1; got {k}.", nameof(k));
        K = k;
    }

    public int K { get; }

    public override string ClassName => "TopKCategoricalAccuracy";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["k"] = K;
        return config;
    }

    /// <summary>Keras's in_top_k fails on a None k: a null k is refused.</summary>
    public static TopKCategoricalAccuracy FromConfig(Config config)
    {
        config.RefuseNull("TopKCategoricalAccuracy", "k");
        return new(config.GetInt("k", 5), ReadName(config, "top_k_categorical_accuracy"));
    }

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        float target = yPred[ArgMax(yTrue)];
        int higher = 0;
        foreach (float p in yPred)
            if (p > target) higher++;
        return higher < K ? 1 : 0;
    }
}
