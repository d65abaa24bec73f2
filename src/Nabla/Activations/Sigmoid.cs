using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>sigmoid: f(x) = 1 / (1 + e⁻ˣ); f' = y(1 − y).</summary>
public sealed class Sigmoid : Activation, IGateFunction
{
    GateFunction IGateFunction.Gate => GateFunction.Sigmoid;

    public override string Name => "sigmoid";
    public override string ClassName => "Sigmoid";
    public override bool IsSaturating => true;
    public override bool OutputsProbabilities => true;

    // TensorPrimitives.Sigmoid is 1/(1+exp(−x)): exp overflows to +∞ for very negative x, giving exactly 0, not NaN.
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => TensorPrimitives.Sigmoid(x, y);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        VectorMap.Apply<Derivative>(y, dy, dx);

    public static Sigmoid FromConfig(Config config) => new();

    /// <summary>(y, dy) ↦ dy·y·(1 − y).</summary>
    private readonly struct Derivative : IVectorFunction2
    {
        public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);
        public Vector128<float> Apply(Vector128<float> y, Vector128<float> dy) => dy * y * (Vector128<float>.One - y);
        public float Apply(float y, float dy) => dy * y * (1f - y);
    }
}
