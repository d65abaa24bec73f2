using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>silu (alias swish): x·sigmoid(x); f' = s·(1 + x·(1 − s)).</summary>
public sealed class Silu : Activation
{
    public override string Name => "silu";
    public override string ClassName => "SiLU";

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        for (int i = 0; i < y.Length; i++) y[i] = x[i] / (1f + MathF.Exp(-x[i]));
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            float s = 1f / (1f + MathF.Exp(-x[i]));
            dx[i] = dy[i] * s * (1f + x[i] * (1f - s));
        }
    }

    public static Silu FromConfig(Config config) => new();
}
