namespace Nabla;

public partial class Model
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
        if (OutputCount != 1)
            throw new ArgumentException(
                $"Model '{Name}' has {OutputCount} outputs ({string.Join(", ", OutputNames)}); call Predict(Tensor[]) to get one array per output.");
        DataChecks.CheckInputs(this, x, "x", checkFinite: false);
        int total = x.Shape[0];
        var outputShape = HasUnknownAxes ? OutputShapesFor([x.Shape[1..]])[0] : OutputShape!;
        if (output is not null) CheckOutput(output, total, outputShape);
        var result = output ?? new Tensor([total, .. outputShape]);
        // One-element arrays kept between calls, one pair per calling thread (several threads may predict with one
        // model at once): a serving loop that reuses its output allocates nothing.
        var singleInput = threadSingleInput ??= new Tensor[1];
        var singleOutput = threadSingleOutput ??= new float[1][];
        singleInput[0] = x;
        singleOutput[0] = result.Data;
        try
        {
            RunPrediction(singleInput, singleOutput, batchSize);
        }
        finally
        {
            singleInput[0] = null!;
            singleOutput[0] = null!;
        }
        return result;
    }

    [ThreadStatic] private static Tensor[]? threadSingleInput;
    [ThreadStatic] private static float[][]? threadSingleOutput;

    /// <summary>Outputs of a model with several inputs or outputs: one array per input in, one array per output out, in order.</summary>
    public Tensor[] Predict(Tensor[] x, int batchSize = 32)
    {
        if (batchSize <= 0) throw new ArgumentException($"Predict 'batchSize' must be positive, found {batchSize}.", nameof(batchSize));
        DataChecks.CheckInputs(this, x, "x", checkFinite: false);
        int total = x[0].Shape[0];
        var results = OutputShapesFor(x).Select(shape => new Tensor([total, .. shape])).ToArray();
        RunPrediction(x, results.Select(r => r.Data).ToArray(), batchSize);
        return results;
    }

    /// <summary>Outputs for inputs keyed by input name, one array per output, in order.</summary>
    public Tensor[] Predict(IReadOnlyDictionary<string, Tensor> x, int batchSize = 32) => Predict(ByInputName(x, "x"), batchSize);

    private void RunPrediction(Tensor[] x, float[][] outputs, int batchSize)
    {
        int batches = (x[0].Shape[0] + batchSize - 1) / batchSize;
        var job = new ReplicaJob
        {
            Model = this, Kind = StepKind.Predict, X = x, Outputs = outputs, BatchSize = batchSize,
            Replicas = ReplicaCount(x, batches),
        };
        RunBatchesOnReplicas(ref job);
    }

    private static void CheckOutput(Tensor output, int total, int[] outputShape)
    {
        var shape = output.Shape;
        bool matches = shape.Length == outputShape.Length + 1 && shape[0] == total && shape.AsSpan(1).SequenceEqual(outputShape);
        if (!matches)
            throw new ArgumentException(
                $"Predict 'output' must have shape {Tensor.ShapeString([total, .. outputShape])} (the samples of x, then the " +
                $"model's output shape), found {Tensor.ShapeString(shape)}.", nameof(output));
    }
}
