using System.Collections;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla;

public partial class Model
{
    private Nabla.Losses.Loss?[] losses = [];
    private float[] lossWeights = [];
    private IReadOnlyList<object>[] outputMetricSpecs = [];
    private IReadOnlyList<object>[] outputWeightedMetricSpecs = [];

    /// <summary>The metric identifiers given to <see cref="Compile(object, object, IEnumerable{object}, object, IEnumerable{object})"/> for the first output ("accuracy", objects...).</summary>
    public IReadOnlyList<object> MetricSpecs => outputMetricSpecs.Length > 0 ? outputMetricSpecs[0] : [];

    /// <summary>The metric identifiers given for output <paramref name="output"/>.</summary>
    public IReadOnlyList<object> MetricSpecsOf(int output) => outputMetricSpecs[output];

    /// <summary>The <c>weightedMetrics</c> identifiers given for the first output.</summary>
    public IReadOnlyList<object> WeightedMetricSpecs => outputWeightedMetricSpecs.Length > 0 ? outputWeightedMetricSpecs[0] : [];

    /// <summary>The <c>weightedMetrics</c> identifiers given for output <paramref name="output"/>.</summary>
    public IReadOnlyList<object> WeightedMetricSpecsOf(int output) => outputWeightedMetricSpecs[output];

    /// <summary>The weight of each output's loss in the total loss (1 unless <c>lossWeights</c> said otherwise).</summary>
    public IReadOnlyList<float> LossWeights => lossWeights;

    public bool IsCompiled => Optimizer is not null && losses.Any(l => l is not null);

    /// <summary>
    /// Configures training, as Keras's <c>model.compile</c>. Each argument is a Keras identifier
    /// ("adam", "mse", "accuracy") or an object (<c>new Adam(learningRate: 1e-3)</c>).
    /// For a model with several outputs, <paramref name="loss"/> is one loss for every output, one per output
    /// (a list, null for an output without a loss) or a dictionary keyed by output name;
    /// <paramref name="metrics"/> has one entry per output (a metric, a list of metrics, or null);
    /// <paramref name="lossWeights"/> scales each output's loss (a list of numbers or a dictionary keyed by output name);
    /// <paramref name="weightedMetrics"/> are metrics (in the form of <paramref name="metrics"/>) that weigh each sample by
    /// Fit's and Evaluate's <c>sampleWeight</c> or <c>classWeight</c>, as Keras's <c>weighted_metrics</c>: their mean is
    /// Σ w·value / Σ w, while <paramref name="metrics"/> stay unweighted. Keys follow Keras's CompileMetrics: a weighted
    /// metric logs under its name unless an unweighted one took it, then as <c>weighted_{name}</c>.
    /// </summary>
    public void Compile(object optimizer, object loss, IEnumerable<object?>? metrics = null, object? lossWeights = null,
        IEnumerable<object?>? weightedMetrics = null) =>
        Compile(optimizer, loss, PerOutputMetrics(metrics, nameof(metrics)), lossWeights, PerOutputMetrics(weightedMetrics, nameof(weightedMetrics)));

    /// <summary><see cref="Compile(object, object, IEnumerable{object}, object, IEnumerable{object})"/> with metrics keyed by output name.</summary>
    public void Compile(object optimizer, object loss, IReadOnlyDictionary<string, object?> metrics, object? lossWeights = null,
        IReadOnlyDictionary<string, object?>? weightedMetrics = null) =>
        Compile(optimizer, loss, PerOutput(metrics, "metrics", null), lossWeights,
            weightedMetrics is null ? new object?[OutputCount] : PerOutput(weightedMetrics, nameof(weightedMetrics), null));

    private void Compile(object optimizer, object loss, object?[] metricsPerOutput, object? weights, object?[] weightedMetricsPerOutput)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        var resolvedOptimizer = optimizer switch
        {
            Optimizer o => o,
            string name => Optimizer.Get(name),
            _ => throw new ArgumentException(
                $"Compile 'optimizer' must be a name or an Optimizer, found {optimizer.GetType().Name}.", nameof(optimizer)),
        };
        var resolvedLosses = (loss is string or Nabla.Losses.Loss ? Enumerable.Repeat(loss, OutputCount).ToArray() : PerOutput(loss, "loss", null))
            .Select((l, i) => l switch
            {
                null => null,
                Nabla.Losses.Loss given => given, // one Loss object may serve several outputs: it holds no state between calls
                string name => Nabla.Losses.Loss.Get(name),
                _ => throw new ArgumentException(
                    $"Compile 'loss' for output '{OutputNames[i]}' must be a name or a Loss, found {l.GetType().Name}.", nameof(loss)),
            }).ToArray();
        if (resolvedLosses.All(l => l is null))
            throw new ArgumentException($"Compile 'loss' gives no loss for any output of model '{Name}'.", nameof(loss));
        var resolvedWeights = (weights is null ? Enumerable.Repeat<object?>(1.0, OutputCount).ToArray() : PerOutput(weights, "lossWeights", 1.0))
            .Select((w, i) => w switch
            {
                double d => (float)d,
                float f => f,
                int n => n,
                long n => n,
                _ => throw new ArgumentException(
                    $"Compile 'lossWeights' for output '{OutputNames[i]}' must be a number, found {w?.GetType().Name ?? "null"}.", nameof(lossWeights)),
            }).ToArray();
        foreach (var (w, i) in resolvedWeights.Select((w, i) => (w, i)))
            if (!float.IsFinite(w) || w < 0)
                throw new ArgumentException($"Compile 'lossWeights' for output '{OutputNames[i]}' must be a finite number ≥ 0, found {w}.", nameof(lossWeights));
        var specs = metricsPerOutput.Select((entry, i) => MetricList(entry, OutputNames[i], "metrics")).ToArray();
        var weightedSpecs = weightedMetricsPerOutput.Select((entry, i) => MetricList(entry, OutputNames[i], "weightedMetrics")).ToArray();
        // An unknown name fails here, as in Keras's compile, rather than at the first Fit; so does a metric whose result is a vector.
        foreach (var spec in specs.Concat(weightedSpecs).SelectMany(list => list))
        {
            var metric = spec as Metric ?? (Metric.IsAccuracy((string)spec) ? null : Metric.Get((string)spec));
            if (metric?.VectorResult is { } reason)
                throw new ArgumentException(
                    $"Metric '{(spec as string) ?? metric.Name}' ({metric.ClassName}) {reason}; a history holds one number per metric. " +
                    "Keras logs a vector there; give it an aggregation (F1Score(average: \"macro\"), R2Score's default) instead.");
        }
        Optimizer = resolvedOptimizer;
        losses = resolvedLosses;
        lossWeights = resolvedWeights;
        outputMetricSpecs = specs;
        outputWeightedMetricSpecs = weightedSpecs;
        InvalidateCapturedGraphs();
    }

    /// <summary>Keras's rule (keras/src/trainers/compile_utils.py): for several outputs, a metrics list has one entry
    /// per output; for one output it is that output's list.</summary>
    private object?[] PerOutputMetrics(IEnumerable<object?>? metrics, string argument)
    {
        var list = (metrics ?? []).ToList();
        if (OutputCount == 1) return [list];
        if (list.Count == 0) return new object?[OutputCount];
        if (list.Count != OutputCount)
            throw new ArgumentException(
                $"Model '{Name}' has {OutputCount} outputs ({string.Join(", ", OutputNames)}); a '{argument}' list must have one entry per output " +
                $"(a metric, a list of metrics, or null), found {list.Count} entries. A dictionary keyed by output name also works.", argument);
        return list.ToArray();
    }

    private static IReadOnlyList<object> MetricList(object? entry, string output, string argument)
    {
        var items = entry switch
        {
            null => [],
            string or Metric => [entry],
            IEnumerable many => many.Cast<object?>().ToList(),
            _ => [entry],
        };
        foreach (var spec in items)
            if (spec is not (string or Metric))
                throw new ArgumentException(
                    $"Compile '{argument}' entries must be names or Metric objects, found {spec?.GetType().Name ?? "null"} (output '{output}').", argument);
        return items.Cast<object>().ToList();
    }

    /// <summary>One value per output from a list (in output order) or a dictionary keyed by output name.</summary>
    private object?[] PerOutput(object value, string argument, object? missing)
    {
        if (value is IDictionary dictionary)
        {
            var result = Enumerable.Repeat(missing, OutputCount).ToArray();
            foreach (DictionaryEntry entry in dictionary)
            {
                int index = OutputNames.ToList().IndexOf(entry.Key as string ?? "");
                if (index < 0)
                    throw new ArgumentException(
                        $"Compile '{argument}' has the key '{entry.Key}', which is not an output of model '{Name}' (outputs: {string.Join(", ", OutputNames)}).", argument);
                result[index] = entry.Value;
            }
            return result;
        }
        if (value is IEnumerable list and not string)
        {
            var items = list.Cast<object?>().ToArray();
            if (items.Length != OutputCount)
                throw new ArgumentException(
                    $"Compile '{argument}' has {items.Length} entries but model '{Name}' has {OutputCount} outputs ({string.Join(", ", OutputNames)}).", argument);
            return items;
        }
        if (OutputCount == 1) return [value];
        throw new ArgumentException(
            $"Compile '{argument}' for model '{Name}' with {OutputCount} outputs must be a list or a dictionary keyed by output name, found {value.GetType().Name}.", argument);
    }

    /// <summary>The metrics, then the weighted metrics, of every output, resolved against its loss and data shapes
    /// (Keras's "accuracy" rule), each with the key it reports under (<see cref="MetricKeys"/>).</summary>
    /// <param name="outputShapes">The outputs' per-sample shapes for the data (<see cref="OutputShapesFor(IReadOnlyList{Tensor})"/>).</param>
    internal List<OutputMetric> CreateMetrics(IReadOnlyList<int[]?> yShapes, int batch, IReadOnlyList<int[]> outputShapes)
    {
        var keys = new MetricKeys();
        var result = new List<OutputMetric>();
        foreach (var (specsPerOutput, weighted) in new[] { (outputMetricSpecs, false), (outputWeightedMetricSpecs, true) })
            for (int o = 0; o < specsPerOutput.Length; o++)
            {
                if (specsPerOutput[o].Count == 0) continue;
                var yShape = yShapes[o] ?? throw new ArgumentException(
                    $"Output '{OutputNames[o]}' of model '{Name}' has metrics but no targets were given for it.");
                int[] outputShape = [batch, .. outputShapes[o]];
                string? prefix = OutputCount == 1 ? null : OutputNames[o];
                foreach (var spec in specsPerOutput[o])
                {
                    var metric = spec as Metric ?? Metric.Resolve((string)spec, losses[o], yShape, outputShape);
                    // A metric object given to Compile keeps its state between calls; Keras's evaluate starts from reset
                    // metrics, so an Evaluate (and Fit's validation) must not count an earlier call's batches.
                    metric.Reset();
                    result.Add(new OutputMetric(o, metric, keys.Next(metric.Name, prefix, weighted), weighted, OutputMetric.PositionsOf(outputShape)));
                }
            }
        return result;
    }

    private void EnsureCompiled(string operation)
    {
        if (!IsCompiled)
            throw new InvalidOperationException(
                $"{operation}: model '{Name}' must be compiled first: call Compile(optimizer, loss, metrics).");
    }
}
