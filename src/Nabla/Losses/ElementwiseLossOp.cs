namespace Nabla.Losses;

/// <summary>One element's loss and its derivative with respect to the prediction.</summary>
internal interface IElementwiseLoss
{
    /// <summary>Looks at all targets before a forward pass (hinge checks whether the labels are 0/1).</summary>
    void Prepare(ReadOnlySpan<float> yTrue);

    double Value(float yTrue, float yPred);

    double Derivative(float yTrue, float yPred);
}

/// <summary>
/// A loss computed element by element, then reduced per sample by the mean over the last axis (or the sum,
/// for KL divergence). The function is a struct so each loss gets its own inlined loop.
/// </summary>
internal sealed class ElementwiseLossOp<TFunction> : LossOp where TFunction : struct, IElementwiseLoss
{
    private TFunction function;
    private readonly double elementScale;

    public ElementwiseLossOp(string name, Tensor yTrue, Tensor yPred, int width, string reduction,
        TFunction function, bool sumOverLastAxis = false)
        : base(name, yTrue, yPred, width, reduction)
    {
        this.function = function;
        elementScale = sumOverLastAxis ? 1.0 : 1.0 / Width;
    }

    protected override double SumOfSampleLosses()
    {
        ReadOnlySpan<float> t = YTrue, p = YPred, w = Weights;
        function.Prepare(t);
        double sum = 0;
        if (w.IsEmpty)
        {
            for (int i = 0; i < p.Length; i++) sum += function.Value(t[i], p[i]);
            return sum * elementScale;
        }
        for (int r = 0, i = 0; r < Samples; r++)
        {
            double row = 0;
            for (int end = i + Width; i < end; i++) row += function.Value(t[i], p[i]);
            sum += w[r] * row;
        }
        return sum * elementScale;
    }

    protected override void AddGradient(Span<float> gradPred, double scale)
    {
        ReadOnlySpan<float> t = YTrue, p = YPred, w = Weights;
        double factor = scale * elementScale;
        if (w.IsEmpty)
        {
            for (int i = 0; i < p.Length; i++) gradPred[i] += (float)(factor * function.Derivative(t[i], p[i]));
            return;
        }
        for (int r = 0, i = 0; r < Samples; r++)
        {
            double rowFactor = factor * w[r];
            for (int end = i + Width; i < end; i++) gradPred[i] += (float)(rowFactor * function.Derivative(t[i], p[i]));
        }
    }
}
