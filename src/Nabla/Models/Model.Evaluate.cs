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
        var metrics = CreateMetrics(y.Shape, [y.Shape[0], .. OutputShape!]);
        var lossMean = new Mean("loss");
        int total = x.Shape[0];
        int batches = (total + batchSize - 1) / batchSize;
        // Weighted batches run on the calling thread's graph (the replicas have no weight placeholder).
        int replicas = sampleWeight is null ? ReplicaCount(x, batches) : 1;
        if (replicas == 1)
        {
            for (int start = 0; start < total; start += batchSize)
            {
                int count = Math.Min(batchSize, total - start);
                var step = GetStep(StepKind.Evaluate, count, x, y, weighted: sampleWeight is not null);
                step.LoadContiguous(x, y, start, sampleWeight);
                step.Run();
                lossMean.Update(step.Loss!.Data[0], count);
                UpdateMetrics(metrics, step);
            }
        }
        else
        {
            // The forward passes side by side, then the loss and metrics take the batches in order.
            int yWidth = y.Size / total, outWidth = OutputShape!.Aggregate(1, (a, b) => a * b);
            if (metrics.Count > 0 && evaluateOutputs.Length < total * outWidth) evaluateOutputs = new float[total * outWidth];
            var losses = new float[batches];
            var job = new ReplicaJob
            {
                Model = this, Kind = StepKind.Evaluate, X = x, Y = y, Losses = losses,
                Outputs = metrics.Count > 0 ? evaluateOutputs : null, BatchSize = batchSize, Replicas = replicas,
            };
            RunBatchesOnReplicas(ref job);
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, count = Math.Min(batchSize, total - start);
                lossMean.Update(losses[b], count);
                foreach (var m in metrics)
                    m.Update(y.Data.AsSpan(start * yWidth, count * yWidth), evaluateOutputs.AsSpan(start * outWidth, count * outWidth),
                        count, yWidth, outWidth);
            }
        }
        var results = new Dictionary<string, double> { ["loss"] = lossMean.Result() };
        foreach (var m in metrics) results[m.Name] = m.Result();
        return results;
    }

    // Evaluate's outputs for the metrics, reused between calls: a fresh array this size costs page faults
    // (about 1 ms per 400 KB here).
    private float[] evaluateOutputs = [];

    /// <summary>Runs one forward pass in inference mode, unbatched (Keras's <c>model(x)</c>).</summary>
    public Tensor Call(Tensor x, bool training = false)
    {
        DataChecks.CheckInputs(this, x, "x");
        Tensor h = x;
        foreach (var layer in layers) h = layer.Call(h, training);
        return h;
    }
}
