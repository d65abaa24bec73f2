using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>linear: f(x) = x (Keras' default when a layer has no activation).</summary>
public sealed class Linear : Activation
{
    public override string Name => "linear";
    public override string ClassName => "Linear";
    public override bool IsIdentity => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => x.CopyTo(y);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        dy.CopyTo(dx);

    public static Linear FromConfig(Config config) => new();
}
