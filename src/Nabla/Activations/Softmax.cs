using Nabla.Kernels;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>softmax along the last axis, stable (max-shifted).</summary>
public sealed class Softmax : Activation
{
    public override string Name => "softmax";
    public override string ClassName => "Softmax";
    public override bool OutputsProbabilities => true;

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => SoftmaxRows.Softmax(x, y, width);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        SoftmaxRows.SoftmaxBackward(y, dy, dx, width);

    public static Softmax FromConfig(Config config) => new();
}
