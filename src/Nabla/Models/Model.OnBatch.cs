namespace Nabla;

public partial class Model
{
    /// <summary>
    /// Keras's <c>test_on_batch</c>: the loss and the compiled metrics of one batch in inference mode, with no update
    /// (the same keys as <see cref="Evaluate(Tensor, Tensor, int, Tensor)"/>, which Keras returns with
    /// <c>return_dict=True</c>). Each call starts its metrics afresh, as Keras 2's default <c>reset_metrics=True</c>
    /// does; Keras 3 keeps accumulating them until <c>reset_metrics()</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double> TestOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        EnsureCompiled(nameof(TestOnBatch));
        return Evaluate(x, y, batchSize: Math.Max(x.Shape[0], 1), sampleWeight);
    }

    /// <summary><see cref="TestOnBatch(Tensor, Tensor, Tensor)"/> for several inputs or outputs (null for an output without a loss).</summary>
    public IReadOnlyDictionary<string, double> TestOnBatch(Tensor[] x, Tensor?[] y, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0) throw new ArgumentException($"Model '{Name}': TestOnBatch needs one array per input; found none.", nameof(x));
        EnsureCompiled(nameof(TestOnBatch));
        return Evaluate(x, y, batchSize: Math.Max(x[0].Shape[0], 1), sampleWeight);
    }

    /// <summary>Keras's <c>predict_on_batch</c>: the outputs of one batch in inference mode, as one pass of
    /// <see cref="Predict(Tensor, int, Tensor)"/> over the whole batch.</summary>
    public Tensor PredictOnBatch(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Predict(x, batchSize: Math.Max(x.Shape[0], 1));
    }

    /// <summary><see cref="PredictOnBatch(Tensor)"/> for several inputs or outputs: one array per output, in order.</summary>
    public Tensor[] PredictOnBatch(Tensor[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0) throw new ArgumentException($"Model '{Name}': PredictOnBatch needs one array per input; found none.", nameof(x));
        return Predict(x, batchSize: Math.Max(x[0].Shape[0], 1));
    }
}
