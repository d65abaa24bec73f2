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
        // have no weight placeholder and keep only the outputs and the logits behind them).
        int replicas = sampleWeight is null ? ReplicaCount(x, batches) : 1;
        var (masked, readsLogits) = replicas > 1 ? InspectMetricOutputs(metrics, x, y, Math.Min(batchSize, total)) : (false, []);
        if (replicas == 1 || masked) EvaluateOnCaller(x, y, batchSize, metrics, losses, sampleWeight);
        else EvaluateOnReplicas(x, y, batchSize, replicas, outputShapes, metrics, readsLogits, losses);
        var results = new Dictionary<string, double>();
        losses.Write(results);
        foreach (var m in metrics) results[m.Key] = m.Metric.Result();
        return results;
    }

    /// <summary>The forward passes side by side, then the loss and metrics take the batches in order.</summary>
    /// <param name="readsLogits">Per metric, whether it reads the logits behind its output (<see cref="InspectMetricOutputs"/>).</param>
    private void EvaluateOnReplicas(Tensor[] x, Tensor?[] y, int batchSize, int replicas, IReadOnlyList<int[]> outputShapes,
        List<OutputMetric> metrics, bool[] readsLogits, StepLosses losses)
    {
        int total = x[0].Shape[0], batches = (total + batchSize - 1) / batchSize, outputs = OutputCount;
        var outputWidths = outputShapes.Select(shape => shape.Aggregate(1, (a, b) => a * b)).ToArray();
        // The outputs (and, for the outputs whose metrics read them, the logits behind them) are rented, each call its
        // own: a fresh array this size costs page faults (about 1 ms per 400 KB here).
        var outputBuffers = new float[outputs][];
        var logitsBuffers = new float[outputs][];
        try
        {
            for (int o = 0; o < outputs; o++)
            {
                bool logitsRead = metrics.Where((m, i) => readsLogits[i] && m.Output == o).Any();
                outputBuffers[o] = metrics.Count > 0 ? System.Buffers.ArrayPool<float>.Shared.Rent(total * outputWidths[o]) : [];
                logitsBuffers[o] = logitsRead ? System.Buffers.ArrayPool<float>.Shared.Rent(total * outputWidths[o]) : [];
            }
            var batchLosses = new float[batches];
            var outputLosses = new float[batches * outputs];
            var job = new ReplicaJob
            {
                Model = this, Kind = StepKind.Evaluate, X = x, Y = y, Losses = batchLosses, OutputLosses = outputLosses,
                Outputs = metrics.Count > 0 ? outputBuffers : null, Logits = readsLogits.Contains(true) ? logitsBuffers : null,
                BatchSize = batchSize, Replicas = replicas,
            };
            RunBatchesOnReplicas(ref job);
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, count = Math.Min(batchSize, total - start);
                losses.Update(batchLosses[b], outputLosses.AsSpan(b * outputs, outputs), count);
                // No sample weights on this path (weighted batches run on the caller): weighted metrics weigh 1 each.
                for (int i = 0; i < metrics.Count; i++)
                {
                    var metric = metrics[i];
                    var target = y[metric.Output]!;
                    int yWidth = target.Size / total, outWidth = outputWidths[metric.Output];
                    var yPred = (readsLogits[i] ? logitsBuffers : outputBuffers)[metric.Output];
                    metric.Update(target.Data.AsSpan(start * yWidth, count * yWidth), yPred.AsSpan(start * outWidth, count * outWidth),
                        count, default, default, yPredIsLogits: readsLogits[i]);
                }
            }
        }
        finally
        {
            foreach (var buffer in outputBuffers.Concat(logitsBuffers))
                if (buffer is { Length: > 0 }) System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>What the replicas must know of the outputs the metrics read, from a captured graph of the model (kept for the
    /// batches): whether one carries a timestep mask, and per metric whether it reads the logits behind its output
    /// (<see cref="OutputMetric.LogitsBehind"/>), which the replicas then copy out beside the outputs.</summary>
    private (bool Masked, bool[] ReadsLogits) InspectMetricOutputs(List<OutputMetric> metrics, Tensor[] x, Tensor?[] y, int batchSize)
    {
        if (metrics.Count == 0) return (false, []);
        var lease = CheckOutStep(StepKind.Evaluate, batchSize, x, y);
        try
        {
            var outputs = lease.Step.Outputs;
            return (metrics.Any(m => outputs[m.Output].KerasMask is not null),
                metrics.Select(m => m.LogitsBehind(outputs[m.Output]) is not null).ToArray());
        }
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
