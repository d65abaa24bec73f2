using Nabla.Data;

namespace Nabla.Tests.Data;

public class DataSummaryTests
{
    [Fact]
    public void ComputesGlobalAndPerFeatureStatisticsIgnoringNonFiniteValues()
    {
        // Feature 0: 1, 3 (mean 2, std 1); feature 1: 10, 30, Inf ignored (mean 20, std 10); feature 2: 5, 5, NaN.
        var x = Tensor.FromArray([1f, 10f, 5f, 3f, 30f, 5f, float.NaN, float.PositiveInfinity, float.NaN], 3, 3);
        var s = DataSummary.Compute(x);
        Assert.Equal((3, 3), (s.Samples, s.Features));
        Assert.Equal((1.0, 30.0), (s.Min, s.Max));
        double[] finite = [1, 10, 5, 3, 30, 5];
        double mean = finite.Average();
        Assert.Equal(mean, s.Mean, 1e-9);
        Assert.Equal(Math.Sqrt(finite.Select(v => (v - mean) * (v - mean)).Average()), s.Std, 1e-9);
        Assert.Equal((2L, 1L), (s.NaNCount, s.InfCount));
        Assert.Equal((2.0, 20.0), s.FeatureMeanRange);
        Assert.Equal((0.0, 10.0), s.FeatureStdRange);
        Assert.Equal(new[] { 2 }, s.ConstantFeatures);
        Assert.Equal(10.0, s.ScaleSpread!.Value, 1e-9);
        Assert.True(s.OutsideUnitRange);
    }

    [Fact]
    public void DataInUnitRangeWithSimilarScalesHasNoHints()
    {
        var s = DataSummary.Compute(Tensor.FromArray([-1f, 0.5f, 1f, -0.5f, 0f, 0f], 3, 2));
        Assert.False(s.OutsideUnitRange);
        Assert.Empty(s.Hints());
    }
}
