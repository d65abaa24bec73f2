using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

public class FiniteCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(784)]
    public void CopiesAndFindsEveryNonFiniteValueAtAnyPosition(int length)
    {
        var source = new float[length];
        for (int i = 0; i < length; i++) source[i] = (i % 7 - 3) * 1e38f; // huge finite values: their sum overflows, v − v does not
        var destination = new float[length + 3];
        Assert.True(FiniteCopy.Copy(source, destination));
        Assert.True(FiniteCopy.AllFinite(source));
        Assert.True(FiniteCopy.AllFinite([float.MaxValue, -float.MaxValue, float.Epsilon, -0f]));
        Assert.Equal(source, destination[..length]);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            for (int at = 0; at < length; at++)
            {
                var copy = (float[])source.Clone();
                copy[at] = bad;
                Assert.False(FiniteCopy.Copy(copy, destination), $"{bad} at {at} of {length}");
                Assert.False(FiniteCopy.AllFinite(copy), $"AllFinite: {bad} at {at} of {length}");
            }
    }

    [Fact]
    public void ShortDestinationIsRefused() =>
        Assert.Throws<ArgumentException>(() => FiniteCopy.Copy(new float[4], new float[3]));
}
