using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla;

public abstract partial class Model
{
    private IReadOnlyList<object> metricSpecs = [];

    /// <summary>The metric identifiers given to <see cref="Compile"/> ("accuracy", objects...).</summary>
    public IReadOnlyList<object> MetricSpecs => metricSpecs;

    public bool IsCompiled => Optimizer is not null && Loss is not null;

    /// <summary>
    /// Configures training, as Keras's <c>model.compile</c>. Each argument is a Keras identifier
    /// ("adam", "mse", "accuracy") or an object (<c>new Adam(learningRate: 1e-3)</c>).
    /// </summary>
    public void Compile(object optimizer, object loss, IEnumerable<object>? metrics = null)
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
        var resolvedLoss = loss switch
        {
            Loss l => l,
            string name => Loss.Get(name),
            _ => throw new ArgumentException(
                $"Compile 'loss' must be a name or a Loss, found {loss.GetType().Name}.", nameof(loss)),
        };
        var specs = (metrics ?? []).ToList();
        foreach (var spec in specs)
            if (spec is not (string or Metric))
                throw new ArgumentException(
                    $"Compile 'metrics' entries must be names or Metric objects, found {spec?.GetType().Name ?? "null"}.",
                    nameof(metrics));
        // An unknown name fails here, as in Keras's compile, rather than at the first Fit.
        foreach (var name in specs.OfType<string>())
            if (!name.Equals("accuracy", StringComparison.OrdinalIgnoreCase) && !name.Equals("acc", StringComparison.OrdinalIgnoreCase)
                && !Metric.Registry.Contains(name))
                Metric.Get(name);
        Optimizer = resolvedOptimizer;
        Loss = resolvedLoss;
        metricSpecs = specs;
        InvalidateCapturedGraphs();
    }

    /// <summary>Resolves metric names against the loss and data shapes (Keras's "accuracy" rule).</summary>
    internal List<Metric> CreateMetrics(int[] yShape, int[] outputShape) =>
        metricSpecs.Select(spec => spec as Metric ?? Metric.Resolve((string)spec, Loss, yShape, outputShape)).ToList();

    private void EnsureCompiled(string operation)
    {
        if (!IsCompiled)
            throw new InvalidOperationException(
                $"{operation}: model '{Name}' must be compiled first: call Compile(optimizer, loss, metrics).");
    }
}
