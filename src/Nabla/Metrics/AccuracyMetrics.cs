using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>Keras <c>binary_accuracy</c> (threshold 0.5): per sample, the fraction of elements where
/// (p &gt; threshold) equals t.</summary>
public sealed class BinaryAccuracy(double threshold = 0.5, string name = "binary_accuracy") : SampleMeanMetric(name)
{
    public double Threshold { get; } = threshold;

    public override string ClassName => "BinaryAccuracy";

    public override bool? RisesWhenBetter => true;

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

    public override bool? RisesWhenBetter => true;

    public static CategoricalAccuracy FromConfig(Config config) => new(ReadName(config, "categorical_accuracy"));

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) =>
        ArgMax(yTrue) == ArgMax(yPred) ? 1 : 0;
}

/// <summary>Keras <c>sparse_categorical_accuracy</c>: the integer label t equals argmax(p).</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : SampleMeanMetric(name)
{
    public override string ClassName => "SparseCategoricalAccuracy";

    public override bool? RisesWhenBetter => true;

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
/// What Keras's top-k accuracies share (keras/src/metrics/accuracy_metrics.py): k (default 5) and the test that the target
/// class is among the k highest predictions; as TensorFlow's in_top_k, classes tied with the k-th value count as inside.
/// </summary>
public abstract class TopKAccuracy : SampleMeanMetric
{
    public override bool? RisesWhenBetter => true;

    private protected TopKAccuracy(int k, string name) : base(name)
    {
        if (k < 1) throw new ArgumentException($"{GetType().Name} k must be at least 1; got {k}.", nameof(k));
        K = k;
    }

    public int K { get; }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["k"] = K;
        return config;
    }

    /// <summary>The target class of a sample, or −1 when it names none (then the sample misses).</summary>
    protected abstract int TargetClass(ReadOnlySpan<float> yTrue, int classes);

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        int targetClass = TargetClass(yTrue, yPred.Length);
        if (targetClass < 0) return 0;
        float target = yPred[targetClass];
        int higher = 0;
        foreach (float p in yPred)
            if (p > target) higher++;
        return higher < K ? 1 : 0;
    }

    /// <summary>Keras's in_top_k fails on a None k: a null k is refused.</summary>
    private protected static int ReadK(Config config, string owner)
    {
        config.RefuseNull(owner, "k");
        return config.GetInt("k", 5);
    }
}

/// <summary>Keras <c>top_k_categorical_accuracy</c> (k 5): the target class argmax(t) is among the k highest predictions.</summary>
public sealed class TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : TopKAccuracy(k, name)
{
    public override string ClassName => "TopKCategoricalAccuracy";

    public static TopKCategoricalAccuracy FromConfig(Config config) =>
        new(ReadK(config, "TopKCategoricalAccuracy"), ReadName(config, "top_k_categorical_accuracy"));

    protected override int TargetClass(ReadOnlySpan<float> yTrue, int classes) => ArgMax(yTrue);
}

/// <summary>Keras <c>SparseTopKCategoricalAccuracy</c> (k 5): the integer label is among the k highest predictions; a label
/// outside [0, classes) misses, as in_top_k has it. Later Keras 3's <c>from_sorted_ids</c> (predictions given as sorted class
/// ids) is refused when true.</summary>
public sealed class SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") : TopKAccuracy(k, name)
{
    public override string ClassName => "SparseTopKCategoricalAccuracy";

    public static SparseTopKCategoricalAccuracy FromConfig(Config config)
    {
        if (config.GetTruthy("from_sorted_ids", false))
            throw new ArgumentException("SparseTopKCategoricalAccuracy from_sorted_ids true is not supported.");
        return new(ReadK(config, "SparseTopKCategoricalAccuracy"), ReadName(config, "sparse_top_k_categorical_accuracy"));
    }

    protected override void CheckWidths(int yTrueWidth, int yPredWidth)
    {
        if (yTrueWidth != 1)
            throw new ArgumentException($"Metric '{Name}' needs one integer label per sample; got yTrue width {yTrueWidth}.");
    }

    protected override int TargetClass(ReadOnlySpan<float> yTrue, int classes)
    {
        float label = yTrue[0];
        return label >= 0 && label < classes && label == MathF.Floor(label) ? (int)label : -1;
    }
}

/// <summary>Keras <c>Accuracy</c> (default name "accuracy"): per sample, the share of elements where the prediction
/// equals the target exactly. The string "accuracy" in Compile picks a fitting accuracy instead (<see cref="Metric.Resolve"/>),
/// as Keras's compile does; this class is what a <c>{"class_name": "Accuracy"}</c> config or <c>new Accuracy()</c> gives.</summary>
public sealed class Accuracy(string name = "accuracy") : SampleMeanMetric(name)
{
    public override string ClassName => "Accuracy";

    public override bool? RisesWhenBetter => true;

    public static Accuracy FromConfig(Config config) => new(ReadName(config, "accuracy"));

    protected override void CheckWidths(int yTrueWidth, int yPredWidth) => RequireSameOrOneWidth(yTrueWidth, yPredWidth);

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        int hits = 0;
        for (int i = 0; i < yPred.Length; i++)
            if (yTrue[yTrue.Length == 1 ? 0 : i] == yPred[i]) hits++;
        return (double)hits / yPred.Length;
    }
}
