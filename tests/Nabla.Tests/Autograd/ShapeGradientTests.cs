using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

public class ShapeGradientTests
{
    private static Tensor R(int seed, params int[] shape) => GradientCheck.Random(seed, -1, 1, shape);

    [Fact]
    public void ReshapeInfersMinusOneAndMatchesFiniteDifferences()
    {
        var x = R(1, 2, 3, 4);
        Assert.Equal([6, 4], Tensor.Reshape(x, -1, 4).Shape);
        GradientCheck.Check(t => Tensor.Reshape(t[0], 4, -1), [x]);
        Assert.Throws<ArgumentException>(() => Tensor.Reshape(x, 5, -1));
        Assert.Throws<ArgumentException>(() => Tensor.Reshape(x, -1, -1));
    }

    [Fact]
    public void TransposeOfAMatrix()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var y = Tensor.Transpose(x);
        Assert.Equal([3, 2], y.Shape);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], y.Data);
        GradientCheck.Check(t => Tensor.Transpose(t[0]), [R(2, 3, 5)]);
    }

    [Fact]
    public void TransposeWithAPermutationMatchesIndexing()
    {
        var x = R(3, 2, 3, 4);
        var y = Tensor.Transpose(x, 2, 0, 1);
        Assert.Equal([4, 2, 3], y.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(x[i, j, k], y[k, i, j]);
        GradientCheck.Check(t => Tensor.Transpose(t[0], 1, 2, 0), [x]);
        Assert.Throws<ArgumentException>(() => Tensor.Transpose(x, 0, 0, 1));
    }

    [Fact]
    public void SliceTakesABoxAndMatchesFiniteDifferences()
    {
        var x = R(4, 3, 4, 5);
        var y = Tensor.Slice(x, [1, 0, 2], [2, 3, 1]);
        Assert.Equal([2, 3, 1], y.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(x[1 + i, j, 2], y[i, j, 0]);
        GradientCheck.Check(t => Tensor.Slice(t[0], [1, 0, 2], [2, 3, 1]), [x]);
        GradientCheck.Check(t => Tensor.Slice(t[0], [0, 1, 0], [3, 2, 5]), [x]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Slice(x, [2, 0, 0], [2, 1, 1]));
    }

    [Fact]
    public void ConcatJoinsAlongAnAxisAndMatchesFiniteDifferences()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var b = Tensor.FromArray([5f, 6f], 2, 1);
        var y = Tensor.Concat([a, b], axis: 1);
        Assert.Equal([2, 3], y.Shape);
        Assert.Equal([1f, 2f, 5f, 3f, 4f, 6f], y.Data);
        GradientCheck.Check(t => Tensor.Concat([t[0], t[1], t[0]], axis: 1), [R(5, 2, 3, 2), R(6, 2, 1, 2)]);
        GradientCheck.Check(t => Tensor.Concat([t[0], t[1]], axis: 0), [R(7, 1, 3), R(8, 2, 3)]);
        Assert.Throws<ArgumentException>(() => Tensor.Concat([a, Tensor.Zeros(3, 1)], axis: 1));
    }
}
