using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>softsign: x / (1 + |x|); f' = 1 / (1 + |x|)².</summary>
public sealed class Softsign : Activation
{
    public override string Name => "softsign";
    public override string ClassName => "Softsign";
    public override bool IsSaturating => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        for (int i = 0; i < y.Length; i++) y[i] = x[i] / (1f + MathF.Abs(x[i]));
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            float d = 1f + MathF.Abs(x[i]);
            dx[i] = dy[i] / (d * d);
        }
    }

    public static Softsign FromConfig(Config config) => new();
}
