using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>elu: f(x) = x for x &gt; 0, alpha·(eˣ − 1) otherwise (Keras default alpha 1.0); f' = alpha·eˣ for x ≤ 0.</summary>
public sealed class Elu : Activation
{
    public const double DefaultAlpha = 1.0;

    public Elu(double alpha = DefaultAlpha)
    {
        if (!double.IsFinite(alpha))
            throw new ArgumentException($"elu: alpha must be finite, got {alpha}.", nameof(alpha));
        Alpha = alpha;
    }

    public double Alpha { get; }

    public override string Name => "elu";
    public override string ClassName => "ELU";
    public override bool IsReluFamily => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => ExponentialLinear.Forward(x, y, (float)Alpha, 1f);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        ExponentialLinear.Backward(x, dy, dx, (float)Alpha, 1f);

    public override Config GetConfig() => new() { ["alpha"] = Alpha };

    public static Elu FromConfig(Config config) => new(config.GetDouble("alpha", DefaultAlpha));
}

/// <summary>The kernel elu and selu share: scale·(x for x &gt; 0, alpha·(eˣ − 1) otherwise).</summary>
internal static class ExponentialLinear
{
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, float alpha, float scale)
    {
        for (int i = 0; i < y.Length; i++)
            y[i] = scale * (x[i] > 0f ? x[i] : alpha * float.ExpM1(x[i]));
    }

    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float alpha, float scale)
    {
        for (int i = 0; i < dx.Length; i++)
            dx[i] = scale * dy[i] * (x[i] > 0f ? 1f : alpha * MathF.Exp(x[i]));
    }
}
