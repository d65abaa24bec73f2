using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>selu: scale·elu(x, alpha) with Keras' fixed constants (Klambauer et al. 2017).</summary>
public sealed class Selu : Activation
{
    /// <summary>keras.activations.selu: alpha = 1.67326324235437728481704299167171.</summary>
    public const double Alpha = 1.6732632423543772;

    /// <summary>keras.activations.selu: scale = 1.05070098735548049341933498529460.</summary>
    public const double Scale = 1.0507009873554805;

    public override string Name => "selu";
    public override string ClassName => "SELU";
    public override bool IsReluFamily => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) =>
        ExponentialLinear.Forward(x, y, (float)Alpha, (float)Scale);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        ExponentialLinear.Backward(x, dy, dx, (float)Alpha, (float)Scale);

    public static Selu FromConfig(Config config) => new();
}
