using Nabla.Metrics;

namespace Nabla;

public abstract partial class Model
{
    /// <summary>Loss and metrics over a data set in inference mode, as Keras's <c>model.evaluate</c>.</summary>
    /// <remarks>
    /// With several kernel threads the batches' forward passes run side by side, each thread on its own copy of
    /// the graph (as in <see cref="Predict"/>); the loss and the metrics then take the batches in order, so
    /// the results are the same whatever the thread count.
    /// </remarks>
    /// <param name="sampleWeight">One weight per sample for the loss (Keras's semantics, see <see cref="SampleWeights"/>);
    /// the compiled metrics stay unweighted.</param>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32, Tensor? sampleWeight = null)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        var weights = SampleWeights.ForFit(x.Shape[0], y, sampleWeight, null);
        return EvaluateChecked(x, y, batchSize, weights);
    }

    /// <summary>Evaluate on data already checked (Fit's validation data, every epoch).</summary>
    private Dictionary<string, double> EvaluateChecked(Tensor x, Tensor y, int batchSize, Tensor? sampleWeight = null)
    {
        // Metric objects given to Compile keep their running state in themselves: calls that use them take
        // turns. Metrics given by name are created per call and need no lock.
        if (metricSpecs.Any(spec => spec is Metric))
            lock (metricSpecs) return EvaluateWithMetrics(x, y, batchSize, sampleWeight);
        return EvaluateWithMetrics(x, y, batchSize, sampleWeight);
    }

    private Dictionary<string, double> EvaluateWithMetrics(Tensor x, Tensor y, int batchSize, Tensor? sampleWeight)
    {
        var metrics = CreateMetrics(y.Shape, [y.Shape[0], .. OutputShape!]);
        var lossMean = new Mean("loss");
        int total = x.Shape[0];
        int batches = (total + batchSize - 1) / batchSize;
        // Weighted batches run on the calling thread's graph (the replicas have no weight placeholder).
        int replicas = sampleWeight is null ? ReplicaCount(x, batches) : 1;
        if (replicas == 1) EvaluateOnCaller(x, y, batchSize, metrics, lossMean, sampleWeight);
        else
        {
            // The forward passes side by side, then the loss and metrics take the batches in order. The outputs
            // array is rented: a fresh one this size costs page faults (about 1 ms per 400 KB here).
            int yWidth = y.Size / total, outWidth = OutputShape!.Aggregate(1, (a, b) => a * b);
            float[]? outputs = metrics.Count > 0 ? System.Buffers.ArrayPool<float>.Shared.Rent(total * outWidth) : null;
            try
            {
                var losses = new float[batches];
                var job = new ReplicaJob
                {
                    Model = this, Kind = StepKind.Evaluate, X = x, Y = y, Losses = losses,
                    Outputs = outputs, BatchSize = batchSize, Replicas = replicas,
                };
                RunBatchesOnReplicas(ref job);
                for (int b = 0; b < batches; b++)
                {
                    int start = b * batchSize, count = Math.Min(batchSize, total - start);
                    lossMean.Update(losses[b], count);
                    foreach (var m in metrics)
                        m.Update(y.Data.AsSpan(start * yWidth, count * yWidth), outputs.AsSpan(start * outWidth, count * outWidth),
                            count, yWidth, outWidth);
                }
            }
            finally
            {
                if (outputs is not null) System.Buffers.ArrayPool<float>.Shared.Return(outputs);
            }
        }
        var results = new Dictionary<string, double> { ["loss"] = lossMean.Result() };
        foreach (var m in metrics) results[m.Name] = m.Result();
        return results;
    }

    /// <summary>Every batch on the calling thread, the metrics updated from each batch's graph.</summary>
    private void EvaluateOnCaller(Tensor x, Tensor y, int batchSize, List<Metric> metrics, Mean lossMean, Tensor? sampleWeight)
    {
        int total = x.Shape[0];
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
                lossMean.Update(step.Loss!.Data[0], count);
                UpdateMetrics(metrics, step);
            }
        }
        finally
        {
            if (full.Step is not null) ReturnStep(full);
            if (last.Step is not null) ReturnStep(last);
        }
    }

    /// <summary>Runs one forward pass in inference mode, unbatched (Keras's <c>model(x)</c>).</summary>
    public Tensor Call(Tensor x, bool training = false)
    {
        DataChecks.CheckInputs(this, x, "x");
        Tensor h = x;
        foreach (var layer in layers) h = layer.Call(h, training);
        return h;
    }
}
