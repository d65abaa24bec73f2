using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>hard_sigmoid, Keras 3's definition relu6(x + 3)/6: 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 0.5 between
/// (Keras 2 used 0.2·x + 0.5). Gradient 1/6 on the open interval (−3, 3), as relu6's.</summary>
public sealed class HardSigmoid : Activation
{
    public override string Name => "hard_sigmoid";
    public override string ClassName => "HardSigmoid";
    public override bool IsSaturating => true;
    public override bool OutputsProbabilities => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        for (int i = 0; i < y.Length; i++) y[i] = Math.Clamp(x[i] / 6f + 0.5f, 0f, 1f);
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = x[i] > -3f && x[i] < 3f ? dy[i] / 6f : 0f;
    }

    public static HardSigmoid FromConfig(Config config) => new();
}
