namespace Nabla.Losses;

/// <summary>
/// Crossentropy of one sample over its classes, as Keras's backends compute it:
/// from probabilities, p is divided by its sum and clipped to [1e-7, 1 − 1e-7], loss = −Σ t·log p;
/// from logits, loss = −Σ t·log_softmax(z) (max-subtracted, so large logits do not overflow).
/// The gradient methods add scale·dLoss/d(prediction) into the gradient row.
/// </summary>
internal static class CrossEntropyRows
{
    private const float Low = Loss.Epsilon, High = 1f - Loss.Epsilon;

    public static double FromProbabilities(ReadOnlySpan<float> t, ReadOnlySpan<float> p)
    {
        double sum = Sum(p), loss = 0;
        for (int j = 0; j < p.Length; j++)
            if (t[j] != 0) loss -= t[j] * Math.Log(Clip(p[j] / sum));
        return loss;
    }

    /// <summary>With q = p/S and g_i = dLoss/dq_i = −t_i/q_i (0 where the clip is active),
    /// dLoss/dp_j = (g_j − Σ_i g_i·q_i) / S.</summary>
    public static void AddProbabilitiesGradient(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> grad, double scale)
    {
        double sum = Sum(p), weighted = 0;
        for (int i = 0; i < p.Length; i++) weighted += QuotientGradient(t[i], p[i] / sum) * (p[i] / sum);
        for (int j = 0; j < p.Length; j++)
            grad[j] += (float)(scale * (QuotientGradient(t[j], p[j] / sum) - weighted) / sum);
    }

    public static double FromLogits(ReadOnlySpan<float> t, ReadOnlySpan<float> z)
    {
        double logSumExp = LogSumExp(z), loss = 0;
        for (int j = 0; j < z.Length; j++)
            if (t[j] != 0) loss += t[j] * (logSumExp - z[j]);
        return loss;
    }

    /// <summary>dLoss/dz_j = softmax(z)_j·Σt − t_j.</summary>
    public static void AddLogitsGradient(ReadOnlySpan<float> t, ReadOnlySpan<float> z, Span<float> grad, double scale)
    {
        double logSumExp = LogSumExp(z), targetSum = 0;
        foreach (float v in t) targetSum += v;
        for (int j = 0; j < z.Length; j++)
            grad[j] += (float)(scale * (Math.Exp(z[j] - logSumExp) * targetSum - t[j]));
    }

    private static double QuotientGradient(float t, double q) =>
        t == 0 || q < Low || q > High ? 0.0 : -t / q;

    private static double Clip(double q) => Math.Clamp(q, Low, High);

    private static double Sum(ReadOnlySpan<float> p)
    {
        double sum = 0;
        foreach (float v in p) sum += v;
        return sum;
    }

    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}

/// <summary>Categorical crossentropy over the last axis against target rows that subclasses provide
/// (yTrue itself, smoothed one-hot rows, or one-hot rows built from integer labels).</summary>
internal abstract class CrossEntropyOp : LossOp
{
    private readonly bool fromLogits;

    /// <param name="logitsActivation">The loss's <see cref="Loss.LogitsActivation"/>: with predictions straight from that
    /// activation, the op reads its logits.</param>
    protected CrossEntropyOp(string name, Tensor yTrue, Tensor yPred, string reduction, bool fromLogits, string? logitsActivation)
        : base(name, yTrue, yPred, yPred.Shape[^1], reduction)
    {
        this.fromLogits = fromLogits;
        if (fromLogits || LogitsBehind(yPred, logitsActivation) is not { } source) return;
        ReadLogitsOf(source);
        this.fromLogits = true;
    }

    /// <summary>Refreshes <see cref="Targets"/> from yTrue; called at the start of each forward pass.</summary>
    protected abstract void PrepareTargets();

    /// <summary>The targets, [samples × classes], as last prepared.</summary>
    protected abstract ReadOnlySpan<float> Targets { get; }

    protected override double SumOfSampleLosses()
    {
        PrepareTargets();
        ReadOnlySpan<float> t = Targets, p = YPred, w = Weights;
        double sum = 0;
        for (int r = 0; r < Samples; r++)
        {
            var tr = t.Slice(r * Width, Width);
            var pr = p.Slice(r * Width, Width);
            double loss = fromLogits ? CrossEntropyRows.FromLogits(tr, pr) : CrossEntropyRows.FromProbabilities(tr, pr);
            sum += w.IsEmpty ? loss : w[r] * loss;
        }
        return sum;
    }

    protected override void AddGradient(Span<float> gradPred, double scale)
    {
        ReadOnlySpan<float> t = Targets, p = YPred, w = Weights;
        for (int r = 0; r < Samples; r++)
        {
            var tr = t.Slice(r * Width, Width);
            var pr = p.Slice(r * Width, Width);
            var gr = gradPred.Slice(r * Width, Width);
            double rowScale = w.IsEmpty ? scale : scale * w[r];
            if (fromLogits) CrossEntropyRows.AddLogitsGradient(tr, pr, gr, rowScale);
            else CrossEntropyRows.AddProbabilitiesGradient(tr, pr, gr, rowScale);
        }
    }
}
