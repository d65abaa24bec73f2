using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>softplus: ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so large |x| neither overflows
/// nor loses precision; f' = sigmoid(x).</summary>
public sealed class Softplus : Activation
{
    public override string Name => "softplus";
    public override string ClassName => "Softplus";

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        for (int i = 0; i < y.Length; i++)
            y[i] = MathF.Max(x[i], 0f) + float.LogP1(MathF.Exp(-MathF.Abs(x[i])));
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] / (1f + MathF.Exp(-x[i]));
    }

    public static Softplus FromConfig(Config config) => new();
}
