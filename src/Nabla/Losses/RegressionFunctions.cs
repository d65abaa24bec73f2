namespace Nabla.Losses;

// Element functions of the regression losses, as in keras/src/losses/losses.py. Derivatives are with
// respect to yPred; where Keras clips or takes |x|, the derivative is that of the clipped expression
// (0 where the clip is active, sign(0) = 0 at a kink), as TensorFlow's gradients are.

/// <summary>(p − t)²</summary>
internal struct SquaredError : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    public readonly double Value(float t, float p) { double e = (double)p - t; return e * e; }
    public readonly double Derivative(float t, float p) => 2.0 * ((double)p - t);
}

/// <summary>|p − t|</summary>
internal struct AbsoluteError : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    public readonly double Value(float t, float p) => Math.Abs((double)p - t);
    public readonly double Derivative(float t, float p) => Math.Sign((double)p - t);
}

/// <summary>100·|t − p| / max(|t|, ε)</summary>
internal struct AbsolutePercentageError : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    private static double Denominator(float t) => Math.Max(Math.Abs(t), Loss.Epsilon);
    public readonly double Value(float t, float p) => 100.0 * Math.Abs((double)t - p) / Denominator(t);
    public readonly double Derivative(float t, float p) => 100.0 * Math.Sign((double)p - t) / Denominator(t);
}

/// <summary>(log(max(p, ε) + 1) − log(max(t, ε) + 1))²</summary>
internal struct SquaredLogarithmicError : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    private static double Difference(float t, float p) =>
        Math.Log(Math.Max(p, Loss.Epsilon) + 1.0) - Math.Log(Math.Max(t, Loss.Epsilon) + 1.0);
    public readonly double Value(float t, float p) { double d = Difference(t, p); return d * d; }
    public readonly double Derivative(float t, float p) =>
        p < Loss.Epsilon ? 0.0 : 2.0 * Difference(t, p) / ((double)p + 1.0);
}

/// <summary>e = p − t: ½e² when |e| ≤ δ, else δ·|e| − ½δ².</summary>
internal readonly struct HuberError(double delta) : IElementwiseLoss
{
    public void Prepare(ReadOnlySpan<float> yTrue) { }
    public double Value(float t, float p)
    {
        double e = (double)p - t, a = Math.Abs(e);
        return a <= delta ? 0.5 * e * e : delta * a - 0.5 * delta * delta;
    }
    public double Derivative(float t, float p)
    {
        double e = (double)p - t;
        return Math.Abs(e) <= delta ? e : delta * Math.Sign(e);
    }
}

/// <summary>log(cosh(x)) for x = p − t, computed as |x| + log1p(e^(−2|x|)) − log 2 (Keras writes the same
/// quantity as x + softplus(−2x) − log 2); its derivative is tanh(x).</summary>
internal struct LogCoshError : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    public readonly double Value(float t, float p)
    {
        double a = Math.Abs((double)p - t);
        return a + Math.Log(1.0 + Math.Exp(-2.0 * a)) - Math.Log(2.0);
    }
    public readonly double Derivative(float t, float p) => Math.Tanh((double)p - t);
}

/// <summary>t·log(t/p) with t and p clipped to [ε, 1]; summed (not averaged) over the last axis.</summary>
internal struct KLDivergenceTerm : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    public readonly double Value(float t, float p)
    {
        double tc = Math.Clamp(t, Loss.Epsilon, 1f), pc = Math.Clamp(p, Loss.Epsilon, 1f);
        return tc * Math.Log(tc / pc);
    }
    public readonly double Derivative(float t, float p)
    {
        if (p < Loss.Epsilon || p > 1f) return 0.0;
        return -(double)Math.Clamp(t, Loss.Epsilon, 1f) / p;
    }
}

/// <summary>p − t·log(p + ε), ε = 1e-7 added inside the log and nothing clipped (Keras's <c>poisson</c>): a
/// prediction at or below −ε gives NaN, as in Keras.</summary>
internal struct PoissonTerm : IElementwiseLoss
{
    public readonly void Prepare(ReadOnlySpan<float> yTrue) { }
    public readonly double Value(float t, float p) => p - t * Math.Log((double)p + Loss.Epsilon);
    public readonly double Derivative(float t, float p) => 1.0 - t / ((double)p + Loss.Epsilon);
}
