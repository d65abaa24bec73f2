using Nabla.Optimizers;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Optimizers flush subnormal results to zero, as TensorFlow's CPU kernels do (ScopedFlushDenormal):
/// moments of weights whose gradient stays zero would otherwise sit in the subnormal range, where every
/// operation is several times slower. NaN and infinity must survive.
/// </summary>
public class SubnormalFlushTests
{
    [Theory]
    [InlineData(37)]     // scalar tail only
    [InlineData(1000)]   // SIMD body and tail
    public void SubnormalWeightsBecomeZeroAndSpecialValuesRefuseTheStep(int length)
    {
        var w = new Tensor(length).RequireGrad();
        w.Grad = new Tensor(length);
        Array.Fill(w.Data, 1e-40f);              // subnormal
        w.Data[3] = 1e-30f;                      // small but normal: kept
        Assert.True(new SGD(learningRate: 0.1).Apply([w]));   // zero gradient: w is stored unchanged, but flushed
        Assert.Equal(0f, w.Data[0]);
        Assert.Equal(0f, w.Data[^1]);
        Assert.Equal(1e-30f, w.Data[3]);

        // NaN and ±Inf pass through the rule unchanged, so the step would leave them: with the guard on it is refused
        // and undone whole.
        Array.Fill(w.Data, 1e-40f);
        w.Data[1] = float.NaN;
        w.Data[2] = float.PositiveInfinity;
        Assert.False(new SGD(learningRate: 0.1) { RefuseNonFiniteUpdates = true }.Apply([w]));
        Assert.Equal(1e-40f, w.Data[0]);
        Assert.True(float.IsNaN(w.Data[1]));
        Assert.Equal(float.PositiveInfinity, w.Data[2]);
    }

    [Theory]
    [InlineData(5)]      // scalar lanes
    [InlineData(64)]     // SIMD lanes
    public void AdamGivesTheFlushToZeroStepForTinyGradients(int length)
    {
        // g = 1e-21: g² = 1e-42 is subnormal, so flush-to-zero arithmetic (TensorFlow on CPU) makes v = 0.
        // Then m = 0.1·g = 1e-22 and the step is alpha·m/(√0 + ε) = lr·√(1−β2)/(1−β1)·1e-22/1e-7.
        var w = new Tensor(length).RequireGrad();
        w.Grad = Tensor.Full(1e-21f, length);
        new Adam(learningRate: 0.001).Apply([w]);
        double alpha = 0.001 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
        double expected = -alpha * 1e-22 / 1e-7;
        Assert.All(w.Data, v => Assert.True(Math.Abs(v - expected) <= 1e-5 * Math.Abs(expected), $"{v} vs {expected}"));
    }
}
