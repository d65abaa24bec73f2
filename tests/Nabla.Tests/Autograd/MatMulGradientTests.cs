using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class MatMulGradientTests
{
    [Fact]
    public void MatMulMatchesFiniteDifferences() =>
        GradientCheck.Check(t => Tensor.MatMul(t[0], t[1]),
            [GradientCheck.Random(1, -1, 1, 3, 4), GradientCheck.Random(2, -1, 1, 4, 5)]);

    [Fact]
    public void BatchMatMulMatchesFiniteDifferences() =>
        GradientCheck.Check(t => Tensor.BatchMatMul(t[0], t[1]),
            [GradientCheck.Random(1, -1, 1, 3, 2, 4), GradientCheck.Random(2, -1, 1, 3, 4, 5)]);

    [Fact]
    public void BatchMatMulIsOneProductPerSample()
    {
        var a = GradientCheck.Random(3, -1, 1, 2, 3, 4);
        var b = GradientCheck.Random(4, -1, 1, 2, 4, 5);
        var c = Tensor.BatchMatMul(a, b);
        for (int s = 0; s < 2; s++)
        {
            var expected = Tensor.MatMul(Tensor.FromArray(a.Data[(s * 12)..((s + 1) * 12)], 3, 4), Tensor.FromArray(b.Data[(s * 20)..((s + 1) * 20)], 4, 5));
            Assert.Equal(expected.Data, c.Data[(s * 15)..((s + 1) * 15)]);
        }
        var e = Assert.Throws<ArgumentException>(() => Tensor.BatchMatMul(a, GradientCheck.Random(5, -1, 1, 2, 3, 5)));
        Assert.Contains("[batch, m, k]·[batch, k, n]", e.Message);
    }
}
