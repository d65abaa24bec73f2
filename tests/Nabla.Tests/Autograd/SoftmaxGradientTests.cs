using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class SoftmaxGradientTests
{
    [Fact]
    public void SoftmaxMatchesFiniteDifferences() =>
        GradientCheck.Check(t => Tensor.Softmax(t[0]), [GradientCheck.Random(1, -2, 2, 3, 4)]);

    [Fact]
    public void LogSoftmaxMatchesFiniteDifferences() =>
        GradientCheck.Check(t => Tensor.LogSoftmax(t[0]), [GradientCheck.Random(2, -2, 2, 2, 3, 4)]);

    [Fact]
    public void SoftmaxRowsSumToOneAndFollowTheDefinition()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, -1f, 0f, 1f], 2, 3);
        var y = Tensor.Softmax(x);
        for (int row = 0; row < 2; row++)
        {
            double denominator = Enumerable.Range(0, 3).Sum(j => Math.Exp(x[row, j]));
            for (int j = 0; j < 3; j++) Assert.Equal(Math.Exp(x[row, j]) / denominator, y[row, j], 1e-6);
        }
    }

    [Fact]
    public void LogitsOfPlusMinusOneThousandStayFiniteAndCorrect()
    {
        // Unshifted, e^1000 overflows to ∞ and ∞/∞ gives NaN. Shifted by the row max: row (1000, −1000) is
        // (1, 0) up to e^−2000; equal logits give (½, ½); (999, 1000) gives (1/(1+e), e/(1+e)).
        var x = Tensor.FromArray([1000f, -1000f, 1000f, 1000f, 999f, 1000f], 3, 2).RequireGrad();
        var softmax = Tensor.Softmax(x);
        Assert.Equal([1f, 0f, 0.5f, 0.5f], softmax.Data.Take(4));
        Assert.Equal(1 / (1 + Math.E), softmax.Data[4], 1e-6);
        var logSoftmax = Tensor.LogSoftmax(x);
        Assert.Equal(0f, logSoftmax.Data[0]);
        Assert.Equal(-2000f, logSoftmax.Data[1]);
        Assert.Equal(-Math.Log(2), logSoftmax.Data[2], 1e-6);
        Assert.Equal(-Math.Log(1 + Math.E), logSoftmax.Data[4], 1e-5);
        Assert.All(softmax.Data.Concat(logSoftmax.Data), v => Assert.True(float.IsFinite(v)));

        Tensor.Sum(logSoftmax * Tensor.FromArray([1f, 0f, 0f, 1f, 1f, 0f], 3, 2)).Backward();
        Assert.All(x.Grad!.Data, v => Assert.True(float.IsFinite(v)));
        // d/dx of the picked log-probability = onehot − softmax.
        Assert.Equal(0f, x.Grad.Data[0], 1e-6);
        Assert.Equal(0.5f, x.Grad.Data[3], 1e-6);
    }
}
