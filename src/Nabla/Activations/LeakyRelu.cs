using System.Runtime.Intrinsics;
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

    // f(x) = x·f'(x), so one function of (x, v) serves both passes: v where x > 0, slope·v elsewhere.
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) =>
        VectorMap.Apply(x, x, y, new SlopeBySign((float)NegativeSlope));

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        VectorMap.Apply(x, dy, dx, new SlopeBySign((float)NegativeSlope));

    public override Config GetConfig() => new() { ["negative_slope"] = NegativeSlope };

    public static LeakyRelu FromConfig(Config config) => new(config.GetDouble("negative_slope", DefaultNegativeSlope));

    /// <summary>(x, v) ↦ x &gt; 0 ? v : slope·v.</summary>
    private readonly struct SlopeBySign(float slope) : IVectorFunction2
    {
        public Vector512<float> Apply(Vector512<float> x, Vector512<float> v) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), v, v * slope);
        public Vector256<float> Apply(Vector256<float> x, Vector256<float> v) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), v, v * slope);
        public Vector128<float> Apply(Vector128<float> x, Vector128<float> v) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), v, v * slope);
        public float Apply(float x, float v) => x > 0f ? v : slope * v;
    }
}
