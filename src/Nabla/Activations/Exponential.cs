using System.Numerics.Tensors;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>exponential: eˣ; f' = y.</summary>
public sealed class Exponential : Activation
{
    public override string Name => "exponential";
    public override string ClassName => "Exponential";

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => TensorPrimitives.Exp(x, y);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        TensorPrimitives.Multiply(dy, y, dx);

    public static Exponential FromConfig(Config config) => new();
}
