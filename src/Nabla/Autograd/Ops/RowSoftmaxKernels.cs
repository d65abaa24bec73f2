using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>Softmax along the last axis as an activation kernel, for <see cref="Tensor.Softmax"/>: Autograd's own,
/// so that the tensor operation does not reach up to the activation catalogue.</summary>
internal sealed class RowSoftmaxKernel : IActivationKernel
{
    public static readonly RowSoftmaxKernel Instance = new();

    public string Name => "softmax";

    public void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => SoftmaxRows.Softmax(x, y, width);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        SoftmaxRows.SoftmaxBackward(y, dy, dx, width);
}

/// <summary>log_softmax along the last axis as an activation kernel, for <see cref="Tensor.LogSoftmax"/>.</summary>
internal sealed class RowLogSoftmaxKernel : IActivationKernel
{
    public static readonly RowLogSoftmaxKernel Instance = new();

    public string Name => "log_softmax";

    public void Forward(ReadOnlySpan<float> x, Span<float> y, int width) => SoftmaxRows.LogSoftmax(x, y, width);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width) =>
        SoftmaxRows.LogSoftmaxBackward(y, dy, dx, width);
}
