using Nabla.Losses;

namespace Nabla.Metrics;

/// <summary>
/// Keras's <c>MeanMetricWrapper</c> around one of its loss functions (keras/src/metrics/regression_metrics.py,
/// probabilistic_metrics.py, hinge_metrics.py): the loss of each sample, averaged over every sample seen (weighted by
/// the sample weights). The per-sample value comes from the same function Nabla's loss uses, so metric and loss agree.
/// </summary>
public abstract class LossFunctionMetric : SampleMeanMetric
{
    /// <summary>Errors, crossentropies and divergences fall as the model improves (CosineSimilarity says otherwise).</summary>
    public override bool? RisesWhenBetter => false;

    private readonly ISampleFunction function;
    // The same loss computed from logits, for the logits behind an output from LogitsActivation; null without one.
    private readonly ISampleFunction? logitsFunction;

    private protected LossFunctionMetric(string name, ISampleFunction function, string? logitsActivation = null,
        ISampleFunction? logitsFunction = null) : base(name)
    {
        this.function = function;
        this.logitsFunction = logitsFunction;
        LogitsActivation = logitsActivation;
    }

    internal override void UpdateFromLogits(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> logits, int batch, int yTrueWidth,
        int yPredWidth, ReadOnlySpan<float> sampleWeight)
    {
        if (logitsFunction is null) base.UpdateFromLogits(yTrue, logits, batch, yTrueWidth, yPredWidth, sampleWeight);
        else Accumulate(logitsFunction, yTrue, logits, batch, yTrueWidth, yPredWidth, sampleWeight);
    }

    // SampleMeanMetric's loop, reading each sample through the given function instead of the probabilities' one.
    private void Accumulate(ISampleFunction sample, ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth,
        int yPredWidth, ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        CheckWidths(sample.Targets, yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        sample.Prepare(yTrue, yPredWidth);
        for (int r = 0; r < batch; r++)
            AddSample(WeightOf(sampleWeight, r), sample.Value(yTrue.Slice(r * yTrueWidth, yTrueWidth), yPred.Slice(r * yPredWidth, yPredWidth)));
    }

    private void CheckWidths(TargetWidth targets, int yTrueWidth, int yPredWidth)
    {
        switch (targets)
        {
            case TargetWidth.SameOrOne: RequireSameOrOneWidth(yTrueWidth, yPredWidth); break;
            case TargetWidth.Same: RequireSameWidth(yTrueWidth, yPredWidth); break;
            default:
                if (yTrueWidth != 1)
                    throw new ArgumentException($"Metric '{Name}' needs one integer label per sample; got yTrue width {yTrueWidth}.");
                break;
        }
    }

    protected override void CheckWidths(int yTrueWidth, int yPredWidth) => CheckWidths(function.Targets, yTrueWidth, yPredWidth);

    protected override void PrepareBatch(ReadOnlySpan<float> yTrue, int yPredWidth) => function.Prepare(yTrue, yPredWidth);

    protected override double SampleValue(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => function.Value(yTrue, yPred);
}

/// <summary>How a sample's targets line up with its predictions.</summary>
internal enum TargetWidth
{
    /// <summary>As wide as the predictions, or one value compared with each prediction (Keras broadcasts a last axis of 1).</summary>
    SameOrOne,
    /// <summary>As wide as the predictions (a distribution or one-hot row).</summary>
    Same,
    /// <summary>One integer class label.</summary>
    Label,
}

/// <summary>A loss of one sample, from its row of targets and predictions.</summary>
internal interface ISampleFunction
{
    TargetWidth Targets { get; }

    /// <summary>Sees the whole batch's targets first.</summary>
    void Prepare(ReadOnlySpan<float> yTrue, int yPredWidth);

    double Value(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred);
}

/// <summary>A loss's element function, averaged over the sample's elements (summed for KL divergence, as Keras does).</summary>
internal sealed class ElementwiseSample<T>(T function, bool sum = false) : ISampleFunction where T : struct, IElementwiseLoss
{
    private T function = function;

    public TargetWidth Targets => TargetWidth.SameOrOne;

    public void Prepare(ReadOnlySpan<float> yTrue, int yPredWidth) => function.Prepare(yTrue);

    public double Value(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double total = 0;
        bool broadcast = yTrue.Length == 1;
        for (int i = 0; i < yPred.Length; i++) total += function.Value(yTrue[broadcast ? 0 : i], yPred[i]);
        return sum ? total : total / yPred.Length;
    }
}

/// <summary>Keras <c>cosine_similarity</c>, computed by the loss's own row function (x·min(1/‖x‖, 1/ε) per row, as
/// keras/src/ops/nn.py's normalize).</summary>
internal sealed class CosineSample : ISampleFunction
{
    public TargetWidth Targets => TargetWidth.Same;

    public void Prepare(ReadOnlySpan<float> yTrue, int yPredWidth) { }

    public double Value(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) => Losses.CosineSimilarity.Similarity(yTrue, yPred);
}

/// <summary>Keras <c>categorical_hinge</c>, by the loss's own margin.</summary>
internal sealed class CategoricalHingeSample : ISampleFunction
{
    public TargetWidth Targets => TargetWidth.Same;

    public void Prepare(ReadOnlySpan<float> yTrue, int yPredWidth) { }

    public double Value(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred) =>
        Math.Max(CategoricalHingeOp.Margin(yTrue, yPred).Margin, 0.0);
}

/// <summary>Categorical crossentropy of one sample by the loss's <see cref="CrossEntropyRows"/>, against the target row
/// smoothed (t·(1 − s) + s/classes) or, for integer labels, against the label's one-hot row.</summary>
internal sealed class CrossEntropySample(bool fromLogits, double labelSmoothing, bool sparse) : ISampleFunction
{
    private float[] row = [];

    public TargetWidth Targets => sparse ? TargetWidth.Label : TargetWidth.Same;

    public void Prepare(ReadOnlySpan<float> yTrue, int yPredWidth)
    {
        if (sparse) Losses.SparseCategoricalCrossentropy.CheckLabels(yTrue, yPredWidth);
        if ((sparse || labelSmoothing > 0) && row.Length != yPredWidth) row = new float[yPredWidth];
    }

    public double Value(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        ReadOnlySpan<float> targets = yTrue;
        if (sparse)
        {
            Array.Clear(row);
            row[(int)yTrue[0]] = 1f;
            targets = row;
        }
        else if (labelSmoothing > 0)
        {
            for (int j = 0; j < row.Length; j++) row[j] = (float)(yTrue[j] * (1.0 - labelSmoothing) + labelSmoothing / row.Length);
            targets = row;
        }
        return fromLogits ? CrossEntropyRows.FromLogits(targets, yPred) : CrossEntropyRows.FromProbabilities(targets, yPred);
    }
}
