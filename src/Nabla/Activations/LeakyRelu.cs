using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>leaky_relu: f(x) = x for x &gt; 0, negative_slope·x otherwise. Keras 3's activation function
/// defaults negative_slope to 0.2 (the LeakyReLU layer uses 0.3). f'(0) = negative_slope, as TensorFlow.</summary>
public sealed class LeakyRelu : Activation
{
    public const double DefaultNegativeSlope = 0.2;

    public LeakyRelu(double negativeSlope = DefaultNegativeSlope)
    {
        if (!double.IsFinite(negativeSlope))
            throw new ArgumentException($"leaky_relu: negative_slope must be finite, got {negativeSlope}.", nameof(negativeSlope));
        NegativeSlope = negativeSlope;
    }

    public double NegativeSlope { get; }

    public override string Name => "leaky_relu";
    public override string ClassName => "LeakyReLU";
    public override bool IsReluFamily => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        float slope = (float)NegativeSlope;
        for (int i = 0; i < y.Length; i++) y[i] = x[i] > 0f ? x[i] : slope * x[i];
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        float slope = (float)NegativeSlope;
        for (int i = 0; i < dx.Length; i++) dx[i] = x[i] > 0f ? dy[i] : slope * dy[i];
    }

    public override Config GetConfig() => new() { ["negative_slope"] = NegativeSlope };

    public static LeakyRelu FromConfig(Config config) => new(config.GetDouble("negative_slope", DefaultNegativeSlope));
}
