using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla;

public abstract unsafe partial class Model
{
    /// <summary>Below this many input values Predict stays on the calling thread: a dispatch would cost more.</summary>
    private const int ParallelPredictMinValues = 1 << 15;

    /// <summary>Outputs for every sample in inference mode (dropout off, batch-norm moving statistics).</summary>
    /// <remarks>
    /// With several kernel threads, the batches are shared out between them, each thread replaying its own
    /// captured copy of the forward graph (the weights are only read). Each batch runs whole on one thread,
    /// so the outputs are identical whatever the thread count and whichever thread runs which batch.
    /// </remarks>
    /// <param name="output">
    /// Optional tensor of shape [samples, ..<see cref="OutputShape"/>] that receives the outputs and is returned
    /// (PyTorch's <c>out=</c>, ONNX Runtime's bound outputs). A serving loop that reuses it allocates nothing;
    /// by default each call allocates a new tensor, as Keras's <c>predict</c> does.
    /// </param>
    public Tensor Predict(Tensor x, int batchSize = 32, Tensor? output = null)
    {
        if (batchSize <= 0) throw new ArgumentException($"Predict 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckInputs(this, x, "x", checkFinite: false);
        int total = x.Shape[0];
        if (output is not null) CheckOutput(output, total);
        var result = output ?? new Tensor([total, .. OutputShape!]);

        int batches = (total + batchSize - 1) / batchSize;
        int replicas = x.Size < ParallelPredictMinValues ? 1 : Math.Min(KernelSettings.MaxThreads, batches);
        // Capture happens here, on the calling thread: recording a graph is not thread-safe, replaying is.
        for (int r = 0; r < replicas; r++)
        {
            GetStep(StepKind.Predict, Math.Min(batchSize, total), x, null, r);
            if (total % batchSize != 0) GetStep(StepKind.Predict, total % batchSize, x, null, r);
        }
        var job = new PredictJob { Model = this, X = x, Result = result, BatchSize = batchSize, Replicas = replicas };
        if (replicas == 1) PredictBatches(0, batches, Unsafe.AsPointer(ref job));
        // One batch per chunk when batches are few (an even share however they fall), else a few per thread.
        else WorkerPool.For(batches, &PredictBatches, Unsafe.AsPointer(ref job), replicas, Math.Min(batches, 16 * replicas));
        return result;
    }

    private void CheckOutput(Tensor output, int total)
    {
        var shape = output.Shape;
        bool matches = shape.Length == OutputShape!.Length + 1 && shape[0] == total && shape.AsSpan(1).SequenceEqual(OutputShape);
        if (!matches)
            throw new ArgumentException(
                $"Predict 'output' must have shape {Tensor.ShapeString([total, .. OutputShape])} (the samples of x, then the " +
                $"model's output shape), found {Tensor.ShapeString(shape)}.", nameof(output));
    }

    private struct PredictJob
    {
        public Model Model;
        public Tensor X, Result;
        public int BatchSize, Replicas;
    }

    /// <summary>
    /// Batches [first, end) on the running thread's own replica of the graph. The pool hands out several chunks
    /// of batches per thread, so when one vCPU stalls the other takes more of them.
    /// </summary>
    private static void PredictBatches(int first, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<PredictJob>(state);
        int total = job.X.Shape[0];
        int rowSize = job.Result.Size / Math.Max(1, total);
        int replica = WorkerPool.CurrentThreadIndex % job.Replicas;
        // Every batch but a short last one has the full size: look its graph up once, not per batch.
        var full = job.Model.capturedSteps[(StepKind.Predict, Math.Min(job.BatchSize, total), replica)];
        for (int b = first; b < end; b++)
        {
            int start = b * job.BatchSize, count = Math.Min(job.BatchSize, total - start);
            var step = count == full.BatchSize ? full : job.Model.capturedSteps[(StepKind.Predict, count, replica)];
            // Checked batch by batch while copying, so the data is read once, not twice; on a NaN or ±Inf
            // the exact scan names the sample.
            if (!step.LoadInputsCheckingFinite(job.X, start)) DataChecks.CheckFiniteRows(job.X, start, count, "x");
            step.Run();
            step.Output.Data.AsSpan(0, count * rowSize).CopyTo(job.Result.Data.AsSpan(start * rowSize));
        }
    }
}
