using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Losses;

/// <summary>
/// Crossentropy of one sample over its classes, as Keras's backends compute it:
/// from probabilities, p is divided by its sum and clipped to [1e-7, 1 − 1e-7], loss = −Σ t·log p;
/// from logits, loss = −Σ t·log_softmax(z) (max-subtracted, so large logits do not overflow; the loss op reads the
/// log-sum-exp off the logits' softmax instead). The gradient methods add scale·dLoss/d(prediction) into the gradient row.
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

    /// <summary>From logits z and their softmax p: Σ t·(lse − z), with log-sum-exp lse = z_k − ln p_k at the row's largest
    /// logit k, whose probability is at least 1/classes and so never underflows: no exponential per class.</summary>
    public static double FromLogitsAndSoftmax(ReadOnlySpan<float> t, ReadOnlySpan<float> z, ReadOnlySpan<float> p)
    {
        int k = TensorPrimitives.IndexOfMax(z);
        double logSumExp = z[k] - Math.Log(p[k]), loss = 0;
        for (int j = 0; j < z.Length; j++)
            if (t[j] != 0) loss += t[j] * (logSumExp - z[j]);
        return loss;
    }

    /// <summary>dLoss/dz_j = p_j·Σt − t_j from the logits' softmax p, added times <paramref name="scale"/>.</summary>
    public static void AddSoftmaxGradient(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> grad, double scale)
    {
        TensorPrimitives.MultiplyAdd(p, (float)(scale * TensorPrimitives.Sum(t)), grad, grad);
        TensorPrimitives.MultiplyAdd(t, (float)-scale, grad, grad);
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
    // The logits' softmax, one row per sample, for the loss and its gradient p·Σt − t: computed by the forward pass under
    // from_logits; null when the loss reads the logits behind a softmax output, whose values are that softmax.
    private readonly float[]? softmax;

    /// <param name="logitsActivation">The loss's <see cref="Loss.LogitsActivation"/>: with predictions straight from that
    /// activation, the op reads its logits.</param>
    protected CrossEntropyOp(string name, Tensor yTrue, Tensor yPred, string reduction, bool fromLogits, string? logitsActivation)
        : base(name, yTrue, yPred, yPred.Shape[^1], reduction)
    {
        if (LogitsBehind(yPred, logitsActivation) is { } source) ReadLogitsOf(source);
        else if (fromLogits) softmax = new float[yPred.Size];
        this.fromLogits = ReadsLogits || fromLogits;
    }

    /// <summary>Refreshes <see cref="Targets"/> from yTrue; called at the start of each forward pass.</summary>
    protected abstract void PrepareTargets();

    /// <summary>The targets, [samples × classes], as last prepared.</summary>
    protected abstract ReadOnlySpan<float> Targets { get; }

    /// <summary>softmax(logits), valid after a forward pass from logits.</summary>
    private ReadOnlySpan<float> Softmax => softmax ?? Inputs[1].Data;

    protected override double SumOfSampleLosses()
    {
        PrepareTargets();
        ReadOnlySpan<float> t = Targets, p = YPred, w = Weights;
        if (softmax is not null) SoftmaxRows.Softmax(p, softmax, Width);
        double sum = 0;
        for (int r = 0; r < Samples; r++)
        {
            var tr = t.Slice(r * Width, Width);
            var pr = p.Slice(r * Width, Width);
            double loss = fromLogits
                ? CrossEntropyRows.FromLogitsAndSoftmax(tr, pr, Softmax.Slice(r * Width, Width))
                : CrossEntropyRows.FromProbabilities(tr, pr);
            sum += w.IsEmpty ? loss : w[r] * loss;
        }
        return sum;
    }

    protected override void AddGradient(Span<float> gradPred, double scale)
    {
        ReadOnlySpan<float> t = Targets, p = fromLogits ? Softmax : YPred, w = Weights;
        for (int r = 0; r < Samples; r++)
        {
            var tr = t.Slice(r * Width, Width);
            var pr = p.Slice(r * Width, Width);
            var gr = gradPred.Slice(r * Width, Width);
            double rowScale = w.IsEmpty ? scale : scale * w[r];
            if (fromLogits) CrossEntropyRows.AddSoftmaxGradient(tr, pr, gr, rowScale);
            else CrossEntropyRows.AddProbabilitiesGradient(tr, pr, gr, rowScale);
        }
    }
}
