using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class CompositionGradientTests
{
    [Fact]
    public void MeanSquaredErrorOfASoftmaxDenseLayer()
    {
        var y = Tensor.FromArray([0f, 1f, 0f, 1f, 0f, 0f, 0f, 0f, 1f, 0f, 1f, 0f], 4, 3);
        GradientCheck.Check(t => Tensor.Mean(Tensor.Pow(Tensor.Softmax(Tensor.MatMul(t[0], t[1]) + t[2]) - y, 2f)),
            [GradientCheck.Random(1, -1, 1, 4, 5), GradientCheck.Random(2, -1, 1, 5, 3), GradientCheck.Random(3, -1, 1, 3)]);
    }

    [Fact]
    public void CrossEntropyFromLogSoftmaxWithBroadcastScaling()
    {
        var y = Tensor.FromArray([1f, 0f, 0f, 0f, 0f, 1f], 2, 3);
        GradientCheck.Check(t => -Tensor.Mean(Tensor.Sum(Tensor.LogSoftmax(t[0] * t[1]) * y, axis: -1)),
            [GradientCheck.Random(4, -2, 2, 2, 3), GradientCheck.Random(5, 0.5, 1.5, 2, 1)]);
    }

    [Fact]
    public void ReshapeTransposeSliceConcatChain() =>
        GradientCheck.Check(t =>
        {
            var h = Tensor.Transpose(Tensor.Reshape(t[0], 3, -1));                  // [4, 3]
            var left = Tensor.Slice(h, [0, 0], [4, 2]);
            var joined = Tensor.Concat([left, Tensor.Exp(t[1])], axis: 1);        // [4, 3]
            return Tensor.Sum(Tensor.Sqrt(joined * joined + 1f), axis: 0) / Tensor.Max(Tensor.Abs(t[1]) + 1f);
        }, [GradientCheck.Random(6, -1, 1, 2, 6), GradientCheck.Random(7, -1, 1, 4, 1)]);
}
