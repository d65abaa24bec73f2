using Nabla.Kernels;
using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>log_softmax along the last axis, stable: x − max − ln Σ e^(x − max).</summary>
public sealed class LogSoftmax : Activation
{
    public override string Name => "log_softmax";
    public override string ClassName => "LogSoftmax";

    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => SoftmaxRows.LogSoftmax(x, y, width);

    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        SoftmaxRows.LogSoftmaxBackward(y, dy, dx, width);

    public static LogSoftmax FromConfig(Config config) => new();
}
