using Nabla.Configuration;
using Nabla.Losses;

namespace Nabla.Metrics;

// Keras's probabilistic and hinge metrics (keras/src/metrics/probabilistic_metrics.py, hinge_metrics.py): the mean over
// samples of the loss function of the same name.

/// <summary>Keras metric <c>KLDivergence</c>: Σ t·log(t/p) per sample, t and p clipped to [1e-7, 1].</summary>
public sealed class KLDivergence(string name = "kl_divergence")
    : LossFunctionMetric(name, new ElementwiseSample<KLDivergenceTerm>(default, sum: true))
{
    public override string ClassName => "KLDivergence";
    public static KLDivergence FromConfig(Config config) => new(ReadName(config, "kl_divergence"));
}

/// <summary>Keras metric <c>Poisson</c>: mean p − t·log(p + 1e-7) per sample.</summary>
public sealed class Poisson(string name = "poisson") : LossFunctionMetric(name, new ElementwiseSample<PoissonTerm>(default))
{
    public override string ClassName => "Poisson";
    public static Poisson FromConfig(Config config) => new(ReadName(config, "poisson"));
}

/// <summary>Keras metric <c>Hinge</c>: mean max(1 − t·p, 0) per sample; 0/1 labels become −1/1 when the whole batch's are.</summary>
public sealed class Hinge(string name = "hinge") : LossFunctionMetric(name, new ElementwiseSample<HingeTerm>(new HingeTerm(squared: false)))
{
    public override string ClassName => "Hinge";
    public static Hinge FromConfig(Config config) => new(ReadName(config, "hinge"));
}

/// <summary>Keras metric <c>SquaredHinge</c>: mean max(1 − t·p, 0)² per sample, labels as for <see cref="Hinge"/>.</summary>
public sealed class SquaredHinge(string name = "squared_hinge")
    : LossFunctionMetric(name, new ElementwiseSample<HingeTerm>(new HingeTerm(squared: true)))
{
    public override string ClassName => "SquaredHinge";
    public static SquaredHinge FromConfig(Config config) => new(ReadName(config, "squared_hinge"));
}

/// <summary>Keras metric <c>CategoricalHinge</c>: max(max((1 − t)·p) − Σ t·p + 1, 0) per sample.</summary>
public sealed class CategoricalHinge(string name = "categorical_hinge") : LossFunctionMetric(name, new CategoricalHingeSample())
{
    public override string ClassName => "CategoricalHinge";
    public static CategoricalHinge FromConfig(Config config) => new(ReadName(config, "categorical_hinge"));
}

/// <summary>
/// What Keras's crossentropy metrics share: <c>from_logits</c> (false) and, for binary and categorical,
/// <c>label_smoothing</c> (0) in their configs; categorical and sparse also write <c>axis</c> (−1, the only one supported).
/// In a model's Fit and Evaluate they read the logits behind an output straight from their
/// <see cref="Metric.LogitsActivation"/>, as the loss of the same name does; on plain spans they keep the clip.
/// </summary>
public abstract class CrossentropyMetric : LossFunctionMetric
{
    private readonly bool smooths, hasAxis;

    /// <param name="function">The per-sample crossentropy, from logits (true) or from probabilities (false).</param>
    private protected CrossentropyMetric(string name, bool fromLogits, double labelSmoothing, bool smooths, bool hasAxis,
        string logitsActivation, Func<bool, ISampleFunction> function)
        : base(name, function(fromLogits), logitsActivation, function(true))
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        (this.smooths, this.hasAxis) = (smooths, hasAxis);
    }

    public bool FromLogits { get; }

    public double LabelSmoothing { get; }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        if (smooths) config["label_smoothing"] = LabelSmoothing;
        if (hasAxis) config["axis"] = -1L;
        return config;
    }

    private protected static double CheckSmoothing(double labelSmoothing) => labelSmoothing is >= 0 and <= 1
        ? labelSmoothing
        : throw new ArgumentException($"label_smoothing must be in [0, 1]; got {labelSmoothing}.", nameof(labelSmoothing));

    /// <summary>Keras tests both flags with <c>if</c>, so a None from_logits or label_smoothing is false or 0.</summary>
    private protected static (bool FromLogits, double LabelSmoothing) ReadArguments(Config config, string owner, bool smooths, bool hasAxis)
    {
        if (hasAxis) Loss.RequireLastAxis(config, owner);
        return (config.GetTruthy("from_logits", false), smooths ? config.GetDouble("label_smoothing", 0.0) : 0.0);
    }
}

/// <summary>Keras metric <c>BinaryCrossentropy</c>: the loss's mean over the last axis per sample, averaged over samples.</summary>
public sealed class BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, string name = "binary_crossentropy")
    : CrossentropyMetric(name, fromLogits, CheckSmoothing(labelSmoothing), smooths: true, hasAxis: false, "sigmoid",
        logits => new ElementwiseSample<BinaryCrossentropyTerm>(new BinaryCrossentropyTerm(logits, labelSmoothing)))
{
    public override string ClassName => "BinaryCrossentropy";

    public static BinaryCrossentropy FromConfig(Config config)
    {
        var (fromLogits, smoothing) = ReadArguments(config, "BinaryCrossentropy", smooths: true, hasAxis: false);
        return new(fromLogits, smoothing, ReadName(config, "binary_crossentropy"));
    }
}

/// <summary>Keras metric <c>CategoricalCrossentropy</c>: −Σ t·log p per sample over one-hot (or probability) targets.</summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, string name = "categorical_crossentropy")
    : CrossentropyMetric(name, fromLogits, CheckSmoothing(labelSmoothing), smooths: true, hasAxis: true, "softmax",
        logits => new CrossEntropySample(logits, labelSmoothing, sparse: false))
{
    public override string ClassName => "CategoricalCrossentropy";

    public static CategoricalCrossentropy FromConfig(Config config)
    {
        var (fromLogits, smoothing) = ReadArguments(config, "CategoricalCrossentropy", smooths: true, hasAxis: true);
        return new(fromLogits, smoothing, ReadName(config, "categorical_crossentropy"));
    }
}

/// <summary>Keras metric <c>SparseCategoricalCrossentropy</c>: categorical crossentropy against an integer label per sample.</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false, string name = "sparse_categorical_crossentropy")
    : CrossentropyMetric(name, fromLogits, 0.0, smooths: false, hasAxis: true, "softmax",
        logits => new CrossEntropySample(logits, 0.0, sparse: true))
{
    public override string ClassName => "SparseCategoricalCrossentropy";

    public static SparseCategoricalCrossentropy FromConfig(Config config)
    {
        var (fromLogits, _) = ReadArguments(config, "SparseCategoricalCrossentropy", smooths: false, hasAxis: true);
        return new(fromLogits, ReadName(config, "sparse_categorical_crossentropy"));
    }
}
