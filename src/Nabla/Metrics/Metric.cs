using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// A stateful Keras metric: <see cref="Update"/> accumulates batches, <see cref="Result"/> reads the value
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

    /// <param name="yTrue">Targets, <paramref name="batch"/> × <paramref name="yTrueWidth"/>.</param>
    /// <param name="yPred">Predictions, <paramref name="batch"/> × <paramref name="yPredWidth"/>.</param>
    public abstract void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth);

    public abstract double Result();

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
