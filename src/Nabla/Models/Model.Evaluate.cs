using System.Runtime.CompilerServices;
using Nabla.Kernels;
using Nabla.Metrics;

namespace Nabla;

public abstract unsafe partial class Model
{
    /// <summary>Loss and metrics over a data set in inference mode, as Keras's <c>model.evaluate</c>.</summary>
    /// <remarks>
    /// With several kernel threads the batches' forward passes run side by side, each thread on its own copy of
    /// the graph (as in <see cref="Predict"/>); the loss and the metrics then take the batches in order, so
    /// the results are the same whatever the thread count.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        EnsureCompiled(nameof(Evaluate));
        if (batchSize <= 0) throw new ArgumentException($"Evaluate 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckPair(this, x, y, "x", "y");
        return EvaluateChecked(x, y, batchSize);
    }

    /// <summary>Evaluate on data already checked (Fit's validation data, every epoch).</summary>
    private Dictionary<string, double> EvaluateChecked(Tensor x, Tensor y, int batchSize)
    {
        var metrics = CreateMetrics(y.Shape, [y.Shape[0], .. OutputShape!]);
        var lossMean = new Mean("loss");
        int total = x.Shape[0];
        int batches = (total + batchSize - 1) / batchSize;
        int replicas = x.Size < ParallelPredictMinValues ? 1 : Math.Min(KernelSettings.MaxThreads, batches);
        if (replicas == 1)
        {
            for (int start = 0; start < total; start += batchSize)
            {
                int count = Math.Min(batchSize, total - start);
                var step = GetStep(StepKind.Evaluate, count, x, y);
                step.LoadContiguous(x, y, start);
                step.Run();
                lossMean.Update(step.Loss!.Data[0], count);
                UpdateMetrics(metrics, step);
            }
        }
        else
        {
            var (losses, predictions) = EvaluateInParallel(x, y, batchSize, batches, replicas, metrics.Count > 0);
            int yWidth = y.Size / total, outWidth = OutputShape!.Aggregate(1, (a, b) => a * b);
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, count = Math.Min(batchSize, total - start);
                lossMean.Update(losses[b], count);
                foreach (var m in metrics)
                    m.Update(y.Data.AsSpan(start * yWidth, count * yWidth), predictions.AsSpan(start * outWidth, count * outWidth),
                        count, yWidth, outWidth);
            }
        }
        var results = new Dictionary<string, double> { ["loss"] = lossMean.Result() };
        foreach (var m in metrics) results[m.Name] = m.Result();
        return results;
    }

    // Reused between calls: a fresh array this size costs page faults (about 1 ms per 400 KB here).
    private float[] evaluatePredictions = [];

    /// <summary>Every batch's loss and (when metrics need them) its outputs, the forward passes shared out between threads.</summary>
    private (float[] Losses, float[] Predictions) EvaluateInParallel(Tensor x, Tensor y, int batchSize, int batches, int replicas,
        bool keepPredictions)
    {
        int total = x.Shape[0];
        // Capture happens here, on the calling thread: recording a graph is not thread-safe, replaying is.
        for (int r = 0; r < replicas; r++)
        {
            GetStep(StepKind.Evaluate, Math.Min(batchSize, total), x, y, r);
            if (total % batchSize != 0) GetStep(StepKind.Evaluate, total % batchSize, x, y, r);
        }
        var losses = new float[batches];
        int outputs = total * OutputShape!.Aggregate(1, (a, b) => a * b);
        if (keepPredictions && evaluatePredictions.Length < outputs) evaluatePredictions = new float[outputs];
        var job = new EvaluateJob
        {
            Model = this, X = x, Y = y, Losses = losses, Predictions = keepPredictions ? evaluatePredictions : null,
            BatchSize = batchSize, Replicas = replicas,
        };
        WorkerPool.For(batches, &EvaluateBatches, Unsafe.AsPointer(ref job), replicas, Math.Min(batches, 16 * replicas));
        return (losses, evaluatePredictions);
    }

    private struct EvaluateJob
    {
        public Model Model;
        public Tensor X, Y;
        public float[] Losses;
        public float[]? Predictions;
        public int BatchSize, Replicas;
    }

    /// <summary>Batches [first, end) on the running thread's own replica of the evaluation graph.</summary>
    private static void EvaluateBatches(int first, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<EvaluateJob>(state);
        int total = job.X.Shape[0];
        int replica = WorkerPool.CurrentThreadIndex % job.Replicas;
        for (int b = first; b < end; b++)
        {
            int start = b * job.BatchSize, count = Math.Min(job.BatchSize, total - start);
            var step = job.Model.capturedSteps[(StepKind.Evaluate, count, replica)];
            step.LoadContiguous(job.X, job.Y, start);
            step.Run();
            job.Losses[b] = step.Loss!.Data[0];
            if (job.Predictions is { } predictions)
            {
                int width = step.Output.Size / count;
                step.Output.Data.AsSpan(0, count * width).CopyTo(predictions.AsSpan(start * width));
            }
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
