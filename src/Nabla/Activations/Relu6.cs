using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>relu6: f(x) = min(max(x, 0), 6); gradient 1 on the open interval (0, 6), as TensorFlow's Relu6Grad.</summary>
public sealed class Relu6 : Activation
{
    public override string Name => "relu6";
    public override string ClassName => "ReLU6";
    public override bool IsReluFamily => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        TensorPrimitives.Max(x, 0f, y);
        TensorPrimitives.Min(y, 6f, y);
    }

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        VectorMap.Apply<PassInsideOpenInterval>(x, dy, dx);

    public static Relu6 FromConfig(Config config) => new();

    /// <summary>(x, dy) ↦ 0 &lt; x &lt; 6 ? dy : 0, as a bit mask.</summary>
    private readonly struct PassInsideOpenInterval : IVectorFunction2
    {
        public Vector512<float> Apply(Vector512<float> x, Vector512<float> dy) =>
            Vector512.GreaterThan(x, Vector512<float>.Zero) & Vector512.LessThan(x, Vector512.Create(6f)) & dy;
        public Vector256<float> Apply(Vector256<float> x, Vector256<float> dy) =>
            Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256.LessThan(x, Vector256.Create(6f)) & dy;
        public Vector128<float> Apply(Vector128<float> x, Vector128<float> dy) =>
            Vector128.GreaterThan(x, Vector128<float>.Zero) & Vector128.LessThan(x, Vector128.Create(6f)) & dy;
        public float Apply(float x, float dy) => x > 0f && x < 6f ? dy : 0f;
    }
}
