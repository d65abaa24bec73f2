using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>
/// gelu: x·Φ(x) with Φ the standard normal CDF (Keras 3 default, approximate = false), or the tanh form
/// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) when <see cref="Approximate"/>.
/// </summary>
public sealed class Gelu : Activation
{
    private const double SqrtTwoOverPi = 0.7978845608028654; // √(2/π)
    private const double Cubic = 0.044715;

    public Gelu(bool approximate = false) => Approximate = approximate;

    public bool Approximate { get; }

    public override string Name => "gelu";
    public override string ClassName => "GELU";

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        for (int i = 0; i < y.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(Approximate ? 0.5 * v * (1 + Math.Tanh(SqrtTwoOverPi * (v + Cubic * v * v * v))) : v * SpecialFunctions.NormalCdf(v));
        }
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            double v = x[i], slope;
            if (Approximate)
            {
                double t = Math.Tanh(SqrtTwoOverPi * (v + Cubic * v * v * v));
                slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SqrtTwoOverPi * (1 + 3 * Cubic * v * v);
            }
            else slope = SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v); // d(xΦ)/dx = Φ + xφ
            dx[i] = (float)(slope * dy[i]);
        }
    }

    public override Config GetConfig() => new() { ["approximate"] = Approximate };

    public static Gelu FromConfig(Config config) => new(config.GetBool("approximate", false));
}
