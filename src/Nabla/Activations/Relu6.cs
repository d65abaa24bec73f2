using System.Numerics.Tensors;
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

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = x[i] > 0f && x[i] < 6f ? dy[i] : 0f;
    }

    public static Relu6 FromConfig(Config config) => new();
}
