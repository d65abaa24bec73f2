using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// A stateful Keras metric: <c>Update</c> accumulates batches (optionally weighing each sample), <see cref="Result"/> reads the value
/// over everything seen since <see cref="Reset"/>. Batches arrive as flat row-major spans, [batch × width].
/// Update allocates nothing.
/// </summary>
public abstract partial class Metric : IKerasSerializable
{
    protected Metric(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The history key. Keras names a metric compiled from a string after that string
    /// (metrics=["mae"] logs "mae"); otherwise it is the class's default name ("auc", "precision"...).</summary>
    public string Name { get; set; }

    public abstract string ClassName { get; }

    public abstract void Reset();

    /// <summary>Accumulates a batch in which every sample weighs 1.</summary>
    /// <param name="yTrue">Targets, <paramref name="batch"/> × <paramref name="yTrueWidth"/>.</param>
    /// <param name="yPred">Predictions, <paramref name="batch"/> × <paramref name="yPredWidth"/>.</param>
    public void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth) =>
        Update(yTrue, yPred, batch, yTrueWidth, yPredWidth, ReadOnlySpan<float>.Empty);

    /// <summary>Keras's <c>update_state(y_true, y_pred, sample_weight)</c>: each sample counts with its weight (a mean
    /// metric becomes Σ w·value / Σ w; a confusion count adds w instead of 1).</summary>
    /// <remarks>Plain spans carry no logits, so a probability crossentropy computed here keeps its 1e-7 clip even for
    /// predictions straight from a softmax or sigmoid; only a model's Fit and Evaluate, which hold the output tensor, read
    /// the logits behind it (<see cref="LogitsActivation"/>).</remarks>
    /// <param name="sampleWeight">One weight per sample, or empty for weight 1 everywhere.</param>
    public abstract void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight);

    /// <summary>
    /// The activation (a Keras identifier) whose logits this metric reads in place of the predictions when a model's output
    /// comes straight from it, as Keras's TensorFlow backend does for the crossentropies its metrics share with its losses
    /// (<see cref="Losses.Loss.LogitsActivation"/>): "softmax" for CategoricalCrossentropy and SparseCategoricalCrossentropy,
    /// "sigmoid" for BinaryCrossentropy, null for every other metric. A saturated output then still gives the loss's value
    /// rather than the clip's ceiling.
    /// </summary>
    public string? LogitsActivation { get; private protected init; }

    /// <summary>Accumulates a batch as <see cref="Update(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float})"/>,
    /// from <paramref name="logits"/>: the pre-activation behind predictions that came from <see cref="LogitsActivation"/>.</summary>
    internal virtual void UpdateFromLogits(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> logits, int batch, int yTrueWidth,
        int yPredWidth, ReadOnlySpan<float> sampleWeight) =>
        throw new NotSupportedException($"Metric '{Name}' ({ClassName}) reads no logits.");

    public abstract double Result();

    /// <summary>Whether a timestep mask on the predictions leaves masked steps out of this metric. Keras's mean metrics
    /// (<c>MeanMetricWrapper</c>: accuracies, mae, mse) take the mask as sample weights; its confusion counts and AUC
    /// ignore it.</summary>
    public virtual bool WeighsByMask => false;

    /// <summary>Keras's <c>_direction</c>: true when a higher value is better (accuracies, AUC, scores), false when lower
    /// is (errors, crossentropies); null when the metric does not say (Mean, Sum, the counts), so that a callback's
    /// <c>mode: "auto"</c> cannot pick a direction for it.</summary>
    public virtual bool? RisesWhenBetter => null;

    /// <summary>Why <see cref="Result"/> has no single number (Keras's result is a vector there, one value per class), or
    /// null. Compile refuses such a metric: a history holds one number per metric.</summary>
    public virtual string? VectorResult => null;

    /// <summary>Keras's <c>Metric.get_config</c>: name and dtype.</summary>
    public virtual Config GetConfig() => new() { ["name"] = Name, ["dtype"] = "float32" };

    public override string ToString() => $"{Name}: {Result():G6}";

    /// <summary>Throws unless the spans hold batch × width values each.</summary>
    protected void CheckSizes(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth)
    {
        if (batch < 0 || yTrueWidth < 1 || yPredWidth < 1)
            throw new ArgumentException(
                $"Metric '{Name}': batch must be ≥ 0 and widths ≥ 1; got batch {batch}, yTrue width {yTrueWidth}, yPred width {yPredWidth}.");
        if (yTrue.Length != (long)batch * yTrueWidth || yPred.Length != (long)batch * yPredWidth)
            throw new ArgumentException(
                $"Metric '{Name}': expected {batch}×{yTrueWidth} targets and {batch}×{yPredWidth} predictions; " +
                $"got {yTrue.Length} and {yPred.Length} values.");
    }

    /// <summary>Throws unless <paramref name="sampleWeight"/> is empty or holds one weight per sample.</summary>
    protected void CheckWeights(ReadOnlySpan<float> sampleWeight, int batch)
    {
        if (!sampleWeight.IsEmpty && sampleWeight.Length != batch)
            throw new ArgumentException($"Metric '{Name}': expected {batch} sample weights (one per sample); got {sampleWeight.Length}.");
    }

    /// <summary>The weight of sample <paramref name="row"/>: 1 when no weights were given.</summary>
    protected static double WeightOf(ReadOnlySpan<float> sampleWeight, int row) => sampleWeight.IsEmpty ? 1.0 : sampleWeight[row];

    /// <summary>Throws unless targets and predictions have the same width.</summary>
    protected void RequireSameWidth(int yTrueWidth, int yPredWidth)
    {
        if (yTrueWidth != yPredWidth)
            throw new ArgumentException(
                $"Metric '{Name}' needs targets as wide as predictions; got yTrue width {yTrueWidth}, yPred width {yPredWidth}.");
    }

    /// <summary>Reads the keys every Keras metric writes; only float32 is supported.</summary>
    protected static string ReadName(Config config, string defaultName)
    {
        string? dtype = config.GetString("dtype", null);
        if (dtype is not null and not "float32")
            throw new ArgumentException($"Metric config key 'dtype' must be \"float32\" or null; got \"{dtype}\".");
        return config.GetString("name", defaultName)!;
    }
}
