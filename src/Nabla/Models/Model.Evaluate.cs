namespace Nabla;

public partial class Model
{
    /// <summary>Loss and metrics over a data set in inference mode, as Keras's <c>model.evaluate</c>.</summary>
    /// <remarks>
    /// With several kernel threads the batches' forward passes run side by side, each thread on its own copy of
    /// the graph (as in <see cref="Predict(Tensor, int, Tensor)"/>); the loss and the metrics then take the batches in order, so
    /// the results are the same whatever the thread count.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        return EvaluateChecked([x], [y], batchSize);
    }

    /// <summary>Evaluates a model with several inputs or outputs: one array per input, one target array per output
    /// (null for an output without a loss). Keys follow Keras: <c>loss</c>, <c>{output}_loss</c>, <c>{output}_{metric}</c>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor[] x, Tensor?[] y, int batchSize = 32)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        return EvaluateChecked(x, y, batchSize);
    }

    /// <summary>Evaluates on data keyed by input and output names.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int batchSize = 32) =>
        Evaluate(ByInputName(x, "x"), ByOutputName(y, "y"), batchSize);

    /// <summary>Evaluate on data already checked (Fit's validation data, every epoch).</summary>
    private Dictionary<string, double> EvaluateChecked(Tensor[] x, Tensor?[] y, int batchSize)
    {
        int total = x[0].Shape[0];
        var metrics = CreateMetrics(y.Select(t => t?.Shape).ToArray(), total);
        var losses = new StepLosses(this);
        int batches = (total + batchSize - 1) / batchSize;
        int replicas = ReplicaCount(x, batches);
        if (replicas == 1)
        {
            for (int start = 0; start < total; start += batchSize)
            {
                int count = Math.Min(batchSize, total - start);
                var step = GetStep(StepKind.Evaluate, count, x, y);
                step.LoadContiguous(x, y, start);
                step.Run();
                losses.Update(step, count);
                UpdateMetrics(metrics, step);
            }
        }
        else
        {
            // The forward passes side by side, then the loss and metrics take the batches in order.
            int outputs = OutputCount;
            if (evaluateOutputs.Length != outputs) evaluateOutputs = new float[outputs][];
            for (int o = 0; o < outputs; o++)
            {
                int width = OutputShapes![o].Aggregate(1, (a, b) => a * b);
                if (evaluateOutputs[o] is null || (metrics.Count > 0 && evaluateOutputs[o].Length < total * width)) evaluateOutputs[o] = new float[metrics.Count > 0 ? total * width : 0];
            }
            var batchLosses = new float[batches];
            var outputLosses = new float[batches * outputs];
            var job = new ReplicaJob
            {
                Model = this, Kind = StepKind.Evaluate, X = x, Y = y, Losses = batchLosses, OutputLosses = outputLosses,
                Outputs = metrics.Count > 0 ? evaluateOutputs : null, BatchSize = batchSize, Replicas = replicas,
            };
            RunBatchesOnReplicas(ref job);
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, count = Math.Min(batchSize, total - start);
                losses.Update(batchLosses[b], outputLosses.AsSpan(b * outputs, outputs), count);
                foreach (var (output, metric, _) in metrics)
                {
                    var target = y[output]!;
                    int yWidth = target.Size / total, outWidth = OutputShapes![output].Aggregate(1, (a, b) => a * b);
                    metric.Update(target.Data.AsSpan(start * yWidth, count * yWidth), evaluateOutputs[output].AsSpan(start * outWidth, count * outWidth),
                        count, yWidth, outWidth);
                }
            }
        }
        var results = new Dictionary<string, double>();
        losses.Write(results);
        foreach (var m in metrics) results[m.Key] = m.Metric.Result();
        return results;
    }

    // Evaluate's outputs for the metrics (one buffer per output), reused between calls: a fresh array this size
    // costs page faults (about 1 ms per 400 KB here).
    private float[][] evaluateOutputs = [];
}
