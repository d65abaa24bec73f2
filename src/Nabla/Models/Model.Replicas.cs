using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla;

/// <summary>
/// What <c>Predict</c> and <c>Evaluate</c> share: the batches' forward passes side by side on the kernel
/// threads, each thread replaying its own captured copy of the graph (the weights are only read). Each batch
/// runs whole on one replica, so every batch's result is the same whatever the thread count.
/// </summary>
public unsafe partial class Model
{
    /// <summary>Below this many input values the batches stay on the calling thread: a dispatch would cost more.</summary>
    private const int ParallelBatchesMinValues = 1 << 15;

    /// <summary>How many graph replicas (threads) the batches of <paramref name="x"/> get.</summary>
    private static int ReplicaCount(Tensor[] x, int batches)
    {
        long values = 0;
        foreach (var t in x) values += t.Size;
        return values < ParallelBatchesMinValues ? 1 : Math.Min(KernelSettings.MaxThreads, batches);
    }

    /// <summary>The work of one <see cref="RunBatchesOnReplicas"/> call.</summary>
    private struct ReplicaJob
    {
        public Model Model;
        public StepKind Kind;
        /// <summary>One array per model input.</summary>
        public Tensor[] X;
        /// <summary>Targets per output (evaluation); null for prediction, which checks x for NaN/Inf while loading it instead.</summary>
        public Tensor?[]? Y;
        /// <summary>Per model output, receives each batch's outputs at its rows; or null.</summary>
        public float[][]? Outputs;
        /// <summary>Receives each batch's loss (evaluation), or null.</summary>
        public float[]? Losses;
        /// <summary>Receives each batch's loss of each output at [batch * outputs + output] (evaluation), or null.</summary>
        public float[]? OutputLosses;
        public int BatchSize, Replicas;
    }

    /// <summary>Captures the replicas on the calling thread (recording a graph is not thread-safe, replaying is),
    /// then runs every batch of <paramref name="job"/> on them.</summary>
    private void RunBatchesOnReplicas(ref ReplicaJob job)
    {
        int total = job.X[0].Shape[0];
        int batches = (total + job.BatchSize - 1) / job.BatchSize;
        for (int r = 0; r < job.Replicas; r++)
        {
            GetStep(job.Kind, Math.Min(job.BatchSize, total), job.X, job.Y, r);
            if (total % job.BatchSize != 0) GetStep(job.Kind, total % job.BatchSize, job.X, job.Y, r);
        }
        if (job.Replicas == 1) RunBatches(0, batches, Unsafe.AsPointer(ref job));
        // One batch per chunk when batches are few (an even share however they fall), else a few per thread;
        // when one vCPU stalls, the other takes the remaining chunks.
        else WorkerPool.For(batches, &RunBatches, Unsafe.AsPointer(ref job), job.Replicas, Math.Min(batches, 16 * job.Replicas));
    }

    /// <summary>Batches [first, end) on the running thread's own replica.</summary>
    private static void RunBatches(int first, int end, void* state)
    {
        ref var job = ref Unsafe.AsRef<ReplicaJob>(state);
        int total = job.X[0].Shape[0];
        int replica = WorkerPool.CurrentThreadIndex % job.Replicas;
        // Every batch but a short last one has the full size: look its graph up once, not per batch.
        var full = job.Model.capturedSteps[(job.Kind, Math.Min(job.BatchSize, total), replica)];
        for (int b = first; b < end; b++)
        {
            int start = b * job.BatchSize, count = Math.Min(job.BatchSize, total - start);
            var step = count == full.BatchSize ? full : job.Model.capturedSteps[(job.Kind, count, replica)];
            if (job.Y is { } y) step.LoadContiguous(job.X, y, start);
            // Checked batch by batch while copying, so the data is read once, not twice; on a NaN or ±Inf
            // the exact scan names the sample.
            else
                for (int i = 0; i < job.X.Length; i++)
                    if (!step.LoadInputsCheckingFinite(job.X[i], start, i))
                        DataChecks.CheckFiniteRows(job.X[i], start, count, job.X.Length == 1 ? "x" : $"x['{job.Model.InputNames[i]}']");
            step.Run();
            if (job.Losses is { } losses) losses[b] = step.Loss!.Data[0];
            if (job.OutputLosses is { } outputLosses)
                for (int o = 0; o < step.Outputs.Length; o++)
                    outputLosses[b * step.Outputs.Length + o] = step.OutputLosses![o] is { } l ? l.Data[0] : 0f;
            if (job.Outputs is { } outputs)
                for (int o = 0; o < outputs.Length; o++)
                {
                    var output = step.Outputs[o];
                    int width = output.Size / count;
                    output.Data.AsSpan(0, count * width).CopyTo(outputs[o].AsSpan(start * width));
                }
        }
    }
}
