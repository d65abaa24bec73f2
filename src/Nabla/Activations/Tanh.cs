using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>tanh: f' = 1 − y².</summary>
public sealed class Tanh : Activation, IGateFunction
{
    GateFunction IGateFunction.Gate => GateFunction.Tanh;

    public override string Name => "tanh";
    public override string ClassName => "Tanh";
    public override bool IsSaturating => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => TensorPrimitives.Tanh(x, y);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        VectorMap.Apply<Derivative>(y, dy, dx);

    public static Tanh FromConfig(Config config) => new();

    /// <summary>(y, dy) ↦ dy·(1 − y²).</summary>
    private readonly struct Derivative : IVectorFunction2
    {
        public Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
        public Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
        public Vector128<float> Apply(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);
        public float Apply(float y, float dy) => dy * (1f - y * y);
    }
}
