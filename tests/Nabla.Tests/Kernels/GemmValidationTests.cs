using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

public class GemmValidationTests
{
    [Fact]
    public void NegativeSizeIsRejectedWithTheSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, -1, 2, 2, new float[4], new float[4], new float[4]));
        Assert.Contains("m=-1", e.Message);
    }

    [Theory]
    [InlineData(5, 6, 4, "A holds 5")]
    [InlineData(6, 5, 4, "B holds 5")]
    [InlineData(6, 6, 3, "C holds 3")]
    public void ShortOperandIsRejectedWithItsLength(int aLength, int bLength, int cLength, string expected)
    {
        // m = 2, n = 2, k = 3: A needs 6 values, B needs 6, C needs 4.
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 3, new float[aLength], new float[bLength], new float[cLength]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ThreadBudgetBelowOneIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.MultiplyOn(GemmPath.Auto, 0, false, false, 1, 1, 1, new float[1], new float[1], new float[1]));
    }
}
