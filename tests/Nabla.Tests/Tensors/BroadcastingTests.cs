using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Tensors;

public class BroadcastingTests
{
    public static TheoryData<int[], int[], int[]> Cases => new()
    {
        { [2, 3], [2, 3], [2, 3] },
        { [2, 3], [3], [2, 3] },
        { [2, 1, 4], [3, 1], [2, 3, 4] },
        { [4, 1], [1, 5], [4, 5] },
        { [], [2, 3], [2, 3] },
        { [2, 3, 4], [2, 1, 4], [2, 3, 4] },
        { [1], [1, 1, 1], [1, 1, 1] },
        { [5, 1, 1], [1, 1, 2], [5, 1, 2] },
    };

    [Theory, MemberData(nameof(Cases))]
    public void EveryBinaryOpMatchesANaiveBroadcastReference(int[] aShape, int[] bShape, int[] expectedShape)
    {
        var a = GradientCheck.Random(1, -2, 2, aShape);
        var b = GradientCheck.Random(2, 0.5, 2, bShape);
        Check(Tensor.Add(a, b), a, b, expectedShape, (x, y) => x + y);
        Check(Tensor.Subtract(a, b), a, b, expectedShape, (x, y) => x - y);
        Check(Tensor.Subtract(b, a), b, a, expectedShape, (x, y) => x - y);
        Check(Tensor.Multiply(a, b), a, b, expectedShape, (x, y) => x * y);
        Check(Tensor.Divide(a, b), a, b, expectedShape, (x, y) => x / y);
        Check(Tensor.Divide(b, a), b, a, expectedShape, (x, y) => x / y);
        Check(Tensor.Pow(b, a), b, a, expectedShape, MathF.Pow);
        Check(Tensor.Greater(a, b), a, b, expectedShape, (x, y) => x > y ? 1 : 0);
        Check(Tensor.Less(a, b), a, b, expectedShape, (x, y) => x < y ? 1 : 0);
    }

    [Fact]
    public void GradientOfABroadcastInputIsSummedOverTheBroadcastAxes()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3).RequireGrad();
        var bias = Tensor.FromArray([10f, 20f, 30f], 3).RequireGrad();
        var column = Tensor.FromArray([1f, -1f], 2, 1).RequireGrad();
        Tensor.Sum((x + bias) * column).Backward();
        Assert.Equal([0f, 0f, 0f], bias.Grad!.Data);              // rows weighted +1 and −1 cancel
        Assert.Equal([66f, 75f], column.Grad!.Data);               // row sums of x + bias
        Assert.Equal([1f, 1f, 1f, -1f, -1f, -1f], x.Grad!.Data);
    }

    [Fact]
    public void IncompatibleShapesAreRejectedWithBothShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Add(new Tensor(2, 3), new Tensor(4)));
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[4]", error.Message);
        Assert.Contains("add", error.Message);
    }

    [Fact]
    public void ScalarOperatorsBroadcastAFloatOnEitherSide()
    {
        var x = Tensor.FromArray([1f, 2f, 4f], 3);
        Assert.Equal([3f, 4f, 6f], (x + 2f).Data);
        Assert.Equal([1f, 0f, -2f], (2f - x).Data);
        Assert.Equal([0.5f, 1f, 2f], (x / 2f).Data);
        Assert.Equal([4f, 2f, 1f], (4f / x).Data);
        Assert.Equal([-3f, -6f, -12f], (-(x * 3f)).Data);
        Assert.Equal([3], (3f * x).Shape);
    }

    private static void Check(Tensor actual, Tensor a, Tensor b, int[] expectedShape, Func<float, float, float> f)
    {
        Assert.Equal(expectedShape, actual.Shape);
        var index = new int[expectedShape.Length];
        for (int flat = 0; flat < actual.Size; flat++)
        {
            int rest = flat;
            for (int axis = expectedShape.Length - 1; axis >= 0; axis--)
            {
                index[axis] = rest % expectedShape[axis];
                rest /= expectedShape[axis];
            }
            Assert.Equal(f(a.Data[Offset(a.Shape, index)], b.Data[Offset(b.Shape, index)]), actual.Data[flat], 1e-5);
        }
    }

    /// <summary>The element of a tensor of <paramref name="shape"/> that output index <paramref name="index"/>
    /// reads: right-aligned, with index 0 along size-1 axes.</summary>
    private static int Offset(int[] shape, int[] index)
    {
        int offset = 0, lead = index.Length - shape.Length;
        for (int axis = 0; axis < shape.Length; axis++)
            offset = offset * shape[axis] + (shape[axis] == 1 ? 0 : index[lead + axis]);
        return offset;
    }
}
