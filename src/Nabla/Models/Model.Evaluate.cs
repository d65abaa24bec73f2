using Nabla.Metrics;

namespace Nabla;

public partial class Model
{
    /// <summary>Loss and metrics over a data set in inference mode, as Keras's <c>model.evaluate</c>.</summary>
    /// <remarks>
    /// With several kernel threads the batches' forward passes run side by side, each thread on its own copy of
    /// the graph (as in <see cref="Predict(Tensor, int, Tensor)"/>); the loss and the metrics then take the batches in order, so
    /// the results are the same whatever the thread count.
    /// </remarks>
    /// <param name="sampleWeight">One weight per sample for the loss (Keras's semantics, see <see cref="SampleWeights"/>);
    /// the compiled metrics stay unweighted and Compile's <c>weightedMetrics</c> weigh each sample by it.</param>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32, Tensor? sampleWeight = null)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        var weights = SampleWeights.ForFit(x.Shape[0], y, sampleWeight, null);
        return EvaluateChecked([x], [y], batchSize, weights);
    }

    /// <summary>Evaluates a model with several inputs or outputs: one array per input, one target array per output
    /// (null for an output without a loss). Keys follow Keras: <c>loss</c>, <c>{output}_loss</c>, <c>{output}_{metric}</c>.
    /// <paramref name="sampleWeight"/> weighs every output's loss, <paramref name="sampleWeightPerOutput"/> each its own,
    /// as in <see cref="Fit(Tensor[], Tensor[], int, int, double, ValueTuple{Tensor[], Tensor[]}?, bool, IEnumerable{Callbacks.Callback}, int, bool, int, Tensor, IReadOnlyDictionary{int, double}, Tensor[], Tensor, int?, int)"/>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor[] x, Tensor?[] y, int batchSize = 32, Tensor? sampleWeight = null,
        Tensor?[]? sampleWeightPerOutput = null)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        return EvaluateChecked(x, y, batchSize, SampleWeightsFor(x, y, sampleWeight, sampleWeightPerOutput, null));
    }

    /// <summary>Evaluates on data keyed by input and output names; <paramref name="sampleWeight"/> is keyed by output name.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int batchSize = 32,
        IReadOnlyDictionary<string, Tensor>? sampleWeight = null) =>
        Evaluate(ByInputName(x, "x"), ByOutputName(y, "y"), batchSize,
            sampleWeightPerOutput: sampleWeight is null ? null : ByOutputName(sampleWeight, "sampleWeight"));

    /// <summary>Evaluate on data already checked (Fit's validation data, every epoch).</summary>
    private Dictionary<string, double> EvaluateChecked(Tensor[] x, Tensor?[] y, int batchSize, Tensor? sampleWeight = null) =>
        TakingTurnsWithMetricObjects(() => EvaluateWithMetrics(x, y, batchSize, sampleWeight));

    /// <summary>Runs an evaluation alone when Compile was given metric objects: they keep their running state in
    /// themselves, so calls that use them take turns. Metrics given by name are created per call and need no lock.</summary>
    private Dictionary<string, double> TakingTurnsWithMetricObjects(Func<Dictionary<string, double>> evaluate)
    {
        if (outputMetricSpecs.Any(specs => specs.Any(spec => spec is Metric)))
            lock (outputMetricSpecs) return evaluate();
        return evaluate();
    }

    private Dictionary<string, double> EvaluateWithMetrics(Tensor[] x, Tensor?[] y, int batchSize, Tensor? sampleWeight)
    {
        int total = x[0].Shape[0];
        var outputShapes = OutputShapesFor(x);
        var metrics = CreateMetrics(y.Select(t => t?.Shape).ToArray(), total, outputShapes);
        var losses = new StepLosses(this);
        int batches = (total + batchSize - 1) / batchSize;
        // Weighted batches, and metrics that read a timestep mask, run on the calling thread's graph (the replicas
        // have no weight placeholder and keep only the outputs).
        int replicas = sampleWeight is null ? ReplicaCount(x, batches) : 1;
        if (replicas > 1 && MetricReadsAMask(metrics, x, y, Math.Min(batchSize, total))) replicas = 1;
        if (replicas == 1) EvaluateOnCaller(x, y, batchSize, metrics, losses, sampleWeight);
        else
        {
            // The forward passes side by side, then the loss and metrics take the batches in order. The outputs
            // arrays are rented: a fresh one this size costs page faults (about 1 ms per 400 KB here).
            int outputs = OutputCount;
            var outputBuffers = new float[outputs][];
            try
            {
                for (int o = 0; o < outputs; o++)
                {
                    int width = outputShapes[o].Aggregate(1, (a, b) => a * b);
                    outputBuffers[o] = metrics.Count > 0 ? System.Buffers.ArrayPool<float>.Shared.Rent(total * width) : [];
                }
                var batchLosses = new float[batches];
                var outputLosses = new float[batches * outputs];
                var job = new ReplicaJob
                {
                    Model = this, Kind = StepKind.Evaluate, X = x, Y = y, Losses = batchLosses, OutputLosses = outputLosses,
                    Outputs = metrics.Count > 0 ? outputBuffers : null, BatchSize = batchSize, Replicas = replicas,
                };
                RunBatchesOnReplicas(ref job);
                for (int b = 0; b < batches; b++)
                {
                    int start = b * batchSize, count = Math.Min(batchSize, total - start);
                    losses.Update(batchLosses[b], outputLosses.AsSpan(b * outputs, outputs), count);
                    // No sample weights on this path (weighted batches run on the caller): weighted metrics weigh 1 each.
                    foreach (var metric in metrics)
                    {
                        var target = y[metric.Output]!;
                        int yWidth = target.Size / total, outWidth = outputShapes[metric.Output].Aggregate(1, (a, b) => a * b);
                        metric.Update(target.Data.AsSpan(start * yWidth, count * yWidth),
                            outputBuffers[metric.Output].AsSpan(start * outWidth, count * outWidth), count, default, default);
                    }
                }
            }
            finally
            {
                foreach (var buffer in outputBuffers)
                    if (buffer is { Length: > 0 }) System.Buffers.ArrayPool<float>.Shared.Return(buffer);
            }
        }
        var results = new Dictionary<string, double>();
        losses.Write(results);
        foreach (var m in metrics) results[m.Key] = m.Metric.Result();
        return results;
    }

    /// <summary>Whether an output that has metrics carries a timestep mask (known once a graph of the model is captured;
    /// the step is kept for the batches).</summary>
    private bool MetricReadsAMask(List<OutputMetric> metrics, Tensor[] x, Tensor?[] y, int batchSize)
    {
        if (metrics.Count == 0) return false;
        var lease = CheckOutStep(StepKind.Evaluate, batchSize, x, y);
        try { return metrics.Any(m => lease.Step.Outputs[m.Output].KerasMask is not null); }
        finally { ReturnStep(lease); }
    }

    /// <summary>Every batch on the calling thread, the metrics updated from each batch's graph.</summary>
    private void EvaluateOnCaller(Tensor[] x, Tensor?[] y, int batchSize, List<OutputMetric> metrics, StepLosses losses, Tensor? sampleWeight)
    {
        int total = x[0].Shape[0];
        StepLease full = default, last = default;
        try
        {
            for (int start = 0; start < total; start += batchSize)
            {
                int count = Math.Min(batchSize, total - start);
                ref var lease = ref count == Math.Min(batchSize, total) ? ref full : ref last;
                if (lease.Step is null) lease = CheckOutStep(StepKind.Evaluate, count, x, y, weighted: sampleWeight is not null);
                var step = lease.Step;
                step.LoadContiguous(x, y, start, sampleWeight);
                step.Run();
                losses.Update(step, count);
                UpdateMetrics(metrics, step);
            }
        }
        finally
        {
            if (full.Step is not null) ReturnStep(full);
            if (last.Step is not null) ReturnStep(last);
        }
    }
}
