using Nabla.Metrics;

namespace Nabla;

/// <summary>
/// A metric of one output, the key it logs under, and whether it weighs samples by their sample weights. It feeds
/// the metric one row per position of the output: a sequence output [batch, steps, classes] has <c>steps</c> positions
/// per sample, an image output [batch, h, w, classes] h·w, so that an accuracy takes the argmax over the classes of
/// each position, as Keras's metric functions reduce over the last axis only.
/// </summary>
/// <remarks>
/// Keras's <c>reduce_to_samplewise_values</c> (keras/src/metrics/reduction_metrics.py) averages a sample's position
/// values before weighing the sample; Σ_b w_b·mean_p(v) / Σ_b w_b is the same ratio as weighing each position by its
/// sample's weight, so the positions can be fed as rows. A timestep mask on the predictions multiplies the weights
/// (<c>MeanMetricWrapper.update_state</c> applies it with <c>apply_mask</c>): masked steps are left out.
/// </remarks>
internal sealed class OutputMetric(int output, Metric metric, string key, bool weighted, int positions)
{
    private float[]? rowWeights;

    public int Output { get; } = output;

    public Metric Metric { get; } = metric;

    public string Key { get; } = key;

    public bool Weighted { get; } = weighted;

    /// <summary>Positions per sample: the product of the output's axes between the batch and the last one.</summary>
    public int Positions { get; } = positions;

    /// <summary>The positions of an output of shape <paramref name="outputShape"/> (batch axis first).</summary>
    public static int PositionsOf(int[] outputShape)
    {
        int positions = 1;
        for (int axis = 1; axis < outputShape.Length - 1; axis++) positions *= outputShape[axis];
        return positions;
    }

    /// <summary>The logits the metric reads in place of <paramref name="output"/> (the model's output tensor): the
    /// pre-activation behind it when it comes straight from the metric's <see cref="Metric.LogitsActivation"/>, chosen as
    /// the loss chooses them (<see cref="Losses.LossOp.LogitsBehind"/>); null otherwise.</summary>
    public Tensor? LogitsBehind(Tensor output) => Losses.LossOp.LogitsBehind(output, Metric.LogitsActivation)?.PreActivation;

    /// <summary>Updates the metric from a step's batch: its targets, its sample weights when the metric is weighted, the
    /// output's timestep mask, and the output's values or the logits behind them (<see cref="LogitsBehind"/>).</summary>
    public void Update(CapturedStep step)
    {
        int batch = step.BatchSize;
        var (y, output) = (step.Ys[Output]!, step.Outputs[Output]);
        // Each output's own sample weights (one array given for every output is copied to each).
        var sampleWeight = Weighted && step.SampleWeights?[Output] is { } w ? w.Data.AsSpan(0, batch) : default;
        var mask = output.KerasMask is { } m ? m.Data.AsSpan(0, m.Size) : default;
        var logits = LogitsBehind(output);
        var yPred = logits ?? output;
        Update(y.Data.AsSpan(0, y.Size), yPred.Data.AsSpan(0, yPred.Size), batch, sampleWeight, mask, yPredIsLogits: logits is not null);
    }

    /// <summary>Updates the metric from a batch of <paramref name="batch"/> samples.</summary>
    /// <param name="sampleWeight">One weight per sample, or empty.</param>
    /// <param name="mask">The predictions' timestep mask (1 keeps a step, 0 leaves it out), or empty.</param>
    /// <param name="yPredIsLogits">Whether <paramref name="yPred"/> holds the output's <see cref="LogitsBehind"/> rather
    /// than its values.</param>
    public void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, ReadOnlySpan<float> sampleWeight,
        ReadOnlySpan<float> mask, bool yPredIsLogits = false)
    {
        if (batch == 0) return;
        int yTrueWidth = yTrue.Length / batch, yPredWidth = yPred.Length / batch;
        if (Positions == 1 && mask.IsEmpty)
        {
            UpdateRows(yTrue, yPred, batch, yTrueWidth, yPredWidth, sampleWeight, yPredIsLogits);
            return;
        }
        if (!mask.IsEmpty && !Metric.WeighsByMask)
            throw new ArgumentException(
                $"Metric '{Key}' ({Metric.ClassName}) is on an output that carries a timestep mask. Keras counts masked steps in " +
                $"{Metric.ClassName} (only mean metrics such as accuracy, mae and mse leave them out); Nabla refuses rather than count the padding.");
        if (yTrueWidth % Positions != 0 || yPredWidth % Positions != 0)
            throw new ArgumentException(
                $"Metric '{Key}': the output has {Positions} positions per sample, but the targets have {yTrueWidth} values per sample " +
                $"and the predictions {yPredWidth}; each must be a whole number of values per position.");
        int maskPerSample = mask.Length / batch;
        if (!mask.IsEmpty && (mask.Length != batch * maskPerSample || maskPerSample == 0 || Positions % maskPerSample != 0))
            throw new ArgumentException(
                $"Metric '{Key}': the timestep mask has {mask.Length} values for {batch} samples of {Positions} positions; expected a " +
                "divisor of the positions per sample.");
        int rows = batch * Positions;
        UpdateRows(yTrue, yPred, rows, yTrueWidth / Positions, yPredWidth / Positions, RowWeights(batch, sampleWeight, mask),
            yPredIsLogits);
    }

    private void UpdateRows(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int rows, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> weights, bool yPredIsLogits)
    {
        if (yPredIsLogits) Metric.UpdateFromLogits(yTrue, yPred, rows, yTrueWidth, yPredWidth, weights);
        else Metric.Update(yTrue, yPred, rows, yTrueWidth, yPredWidth, weights);
    }

    /// <summary>Each position's weight, its sample's weight times its mask value; empty when both are.</summary>
    private ReadOnlySpan<float> RowWeights(int batch, ReadOnlySpan<float> sampleWeight, ReadOnlySpan<float> mask)
    {
        if (sampleWeight.IsEmpty && mask.IsEmpty) return default;
        int rows = batch * Positions;
        if (rowWeights is null || rowWeights.Length < rows) rowWeights = new float[rows];
        var weights = rowWeights.AsSpan(0, rows);
        int positionsPerMaskValue = mask.IsEmpty ? 1 : Positions / (mask.Length / batch);
        for (int row = 0; row < rows; row++)
        {
            float weight = sampleWeight.IsEmpty ? 1f : sampleWeight[row / Positions];
            weights[row] = mask.IsEmpty ? weight : weight * mask[row / positionsPerMaskValue];
        }
        return weights;
    }
}
