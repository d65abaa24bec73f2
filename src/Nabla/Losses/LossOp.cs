using Nabla.Autograd;

namespace Nabla.Losses;

/// <summary>
/// The op of a loss: inputs (yTrue, yPred), a scalar output. Subclasses give the sum of the per-sample
/// losses and its gradient; this class applies the reduction. yTrue never receives a gradient.
/// With <see cref="SampleWeight"/>, each sample's loss is multiplied by its weight before the reduction, and
/// "sum_over_batch_size" still divides by the number of samples (Keras: sum(w·l) / N, not / Σw).
/// With a timestep mask on yPred (<see cref="SetMask"/>), each masked sample weighs 0 and "sum_over_batch_size"
/// divides by the number of unmasked ones plus Keras's epsilon (keras/src/losses/loss.py, apply_mask).
/// </summary>
public abstract class LossOp : Op
{
    private readonly string name;
    private readonly bool sumReduction;
    private float[]? maskedWeights;

    /// <param name="width">Values per sample (the last axis after Keras's squeeze/expand).</param>
    protected LossOp(string name, Tensor yTrue, Tensor yPred, int width, string reduction) : base([yTrue, yPred], [])
    {
        this.name = name;
        Width = Math.Max(1, width);
        Samples = yPred.Size / Width;
        // sum_over_batch_size divides by the number of per-sample losses (Keras: the size of the loss tensor).
        sumReduction = reduction == Loss.Sum;
        SampleScale = sumReduction || Samples == 0 ? 1.0 : 1.0 / Samples;
    }

    /// <summary>Weighs each sample by the mask (one value per sample: [batch, timesteps] for a sequence output, times
    /// the sample weight when there is one). Call before the op is recorded.</summary>
    internal void SetMask(Tensor mask)
    {
        if (mask.Size != Samples)
            throw new ArgumentException(
                $"{name}: the predictions' timestep mask {Tensor.ShapeString(mask.Shape)} has {mask.Size} values; the loss has " +
                $"{Samples} per-sample losses ({Tensor.ShapeString(Inputs[1].Shape)} predictions).");
        AppendInput(mask);
        maskedWeights = new float[Samples];
    }

    public override string Name => name;

    protected int Width { get; }

    protected int Samples { get; }

    protected double SampleScale { get; private set; }

    /// <summary>One weight per per-sample loss, or per sample of the batch (<see cref="SetSampleWeights"/>), read at every
    /// forward pass (a placeholder the caller fills); null: all 1.</summary>
    internal Tensor? SampleWeight { get; private set; }

    internal int SampleCount => Samples;

    /// <summary>The sample weights, or an empty span when there are none.</summary>
    protected ReadOnlySpan<float> Weights => maskedWeights ?? spreadWeights ?? (SampleWeight is null ? default : SampleWeight.Data);

    // One weight per sample of the batch spread over the sample's positions (a sequence output's steps), refilled every pass.
    private float[]? spreadWeights;

    /// <summary>Takes one weight per sample of the batch (<paramref name="weights"/>, [batch]) when each sample has several
    /// per-position losses: every position of a sample weighs the sample's weight. Call before the op is recorded.</summary>
    internal void SetSampleWeights(Tensor weights)
    {
        SampleWeight = weights;
        if (weights.Size != Samples) spreadWeights = new float[Samples];
    }

    /// <summary>The weight of per-sample loss <paramref name="i"/> from the sample weights (1 without them).</summary>
    private float SampleWeightOf(int i) =>
        SampleWeight is null ? 1f : SampleWeight.Data[i / (Samples / SampleWeight.Size)];

    protected ReadOnlySpan<float> YTrue => Inputs[0].Data;

    // The op behind yPred whose logits this loss reads in place of yPred (ReadLogitsOf).
    private ILogitsOutput? logits;

    /// <summary>The predictions, or the logits behind them once <see cref="ReadLogitsOf"/> chose them.</summary>
    protected ReadOnlySpan<float> YPred => logits is null ? Inputs[1].Data : logits.PreActivation.Data;

    /// <summary>
    /// The op behind <paramref name="yPred"/> when it applies <paramref name="activation"/> (a Keras identifier) to
    /// logits it keeps, else null. Keras's TensorFlow backend computes a crossentropy from those logits whenever the
    /// predictions come straight from the activation that crossentropy expects (the <c>_keras_logits</c> that
    /// keras.activations.softmax and sigmoid cache, read by the backend's <c>_get_logits</c>), so a prediction beyond the
    /// clip still passes back a gradient.
    /// </summary>
    internal static ILogitsOutput? LogitsBehind(Tensor yPred, string? activation) =>
        activation is not null && yPred.KerasLogits is { } op && op.Activation.Name == activation
        && !op.Activation.IsIdentity ? op : null;

    /// <summary>Reads <paramref name="source"/>'s logits as the predictions and passes their gradient back to it directly,
    /// past its activation. The subclass must then compute the loss from logits. Call before the op is recorded.</summary>
    internal void ReadLogitsOf(ILogitsOutput source) => logits = source;

    /// <summary>Whether the loss reads logits in place of the predictions (<see cref="ReadLogitsOf"/>).</summary>
    internal bool ReadsLogits => logits is not null;

    public override void Forward()
    {
        if (spreadWeights is not null && maskedWeights is null)
            for (int i = 0; i < spreadWeights.Length; i++) spreadWeights[i] = SampleWeightOf(i);
        if (maskedWeights is not null) WeighByMask();
        Output.Data[0] = (float)(SumOfSampleLosses() * SampleScale);
    }

    private void WeighByMask()
    {
        var mask = Inputs[^1].Data;
        double valid = 0;
        for (int i = 0; i < maskedWeights!.Length; i++)
        {
            float keep = mask[i] == 0f ? 0f : 1f;
            valid += keep;
            maskedWeights[i] = keep * SampleWeightOf(i);
        }
        if (!sumReduction) SampleScale = 1.0 / (valid + Loss.Epsilon);
    }

    public override void Backward()
    {
        if (!NeedsGrad(1)) return;
        var target = logits is null ? Inputs[1].Grad!.Data.AsSpan() : logits.PreActivationGradient();
        AddGradient(target, Output.Grad!.Data[0] * SampleScale);
    }

    /// <summary>The sum over samples of each sample's loss, from the current inputs.</summary>
    protected abstract double SumOfSampleLosses();

    /// <summary>Adds <paramref name="scale"/>·d(sum of sample losses)/d(yPred) into <paramref name="gradPred"/>.
    /// Called after <see cref="SumOfSampleLosses"/> on the same inputs.</summary>
    protected abstract void AddGradient(Span<float> gradPred, double scale);
}
