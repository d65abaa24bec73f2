namespace Nabla;

public abstract partial class Model
{
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
        var job = new ReplicaJob
        {
            Model = this, Kind = StepKind.Predict, X = x, Outputs = result.Data, BatchSize = batchSize,
            Replicas = ReplicaCount(x, batches),
        };
        RunBatchesOnReplicas(ref job);
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
}
