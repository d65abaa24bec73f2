using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>relu: f(x) = max(x, 0); f'(0) = 0, as TensorFlow's ReluGrad (gradient only where x &gt; 0).</summary>
public sealed class Relu : Activation
{
    public override string Name => "relu";
    public override string ClassName => "ReLU";
    public override bool IsReluFamily => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => TensorPrimitives.Max(x, 0f, y);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        VectorMap.Apply<PassWherePositive>(x, dy, dx);

    public static Relu FromConfig(Config config) => new();

    /// <summary>(x, dy) ↦ x &gt; 0 ? dy : 0, as a bit mask.</summary>
    private readonly struct PassWherePositive : IVectorFunction2
    {
        public Vector512<float> Apply(Vector512<float> x, Vector512<float> dy) => Vector512.GreaterThan(x, Vector512<float>.Zero) & dy;
        public Vector256<float> Apply(Vector256<float> x, Vector256<float> dy) => Vector256.GreaterThan(x, Vector256<float>.Zero) & dy;
        public Vector128<float> Apply(Vector128<float> x, Vector128<float> dy) => Vector128.GreaterThan(x, Vector128<float>.Zero) & dy;
        public float Apply(float x, float dy) => x > 0f ? dy : 0f;
    }
}
