namespace Nabla.Tests.Initializers;

using Nabla.Initializers;

/// <summary>
/// Each initializer's range, mean and standard deviation over a 400×300 sample (N = 120,000, fan_in 400,
/// fan_out 300). Tolerances come from the sample size: the mean's standard error is σ/√N, the relative
/// standard error of the sample std is about √((κ − 1)/(4N)) ≤ 0.2% here; we allow 5 standard errors.
/// </summary>
public class InitializerStatisticsTests
{
    private const int FanIn = 400, FanOut = 300, N = FanIn * FanOut;
    private static readonly double StdTolerance = 5 * Math.Sqrt(2.0 / (4 * N)); // relative, κ ≤ 3

    private static (double Mean, double Std, double Min, double Max) Stats(Initializer init)
    {
        var data = init.Create(FanIn, FanOut).Data;
        double mean = data.Average(v => (double)v);
        double std = Math.Sqrt(data.Average(v => (v - mean) * (v - mean)));
        return (mean, std, data.Min(), data.Max());
    }

    private static void AssertStd(double expected, double std, double mean)
    {
        Assert.InRange(mean, -5 * expected / Math.Sqrt(N), 5 * expected / Math.Sqrt(N));
        Assert.InRange(std, expected * (1 - StdTolerance), expected * (1 + StdTolerance));
    }

    public static TheoryData<Initializer, double, double> UniformCases() => new()
    {
        // keras VarianceScaling, uniform: limit = √(3·scale/n)
        { new GlorotUniform(seed: 1), Math.Sqrt(6.0 / (FanIn + FanOut)), 0 },   // scale 1, fan_avg: √(6/(in+out))
        { new HeUniform(seed: 2), Math.Sqrt(6.0 / FanIn), 0 },                 // scale 2, fan_in:  √(6/in)
        { new LecunUniform(seed: 3), Math.Sqrt(3.0 / FanIn), 0 },              // scale 1, fan_in:  √(3/in)
        { new VarianceScaling(0.5, "fan_out", "uniform", seed: 4), Math.Sqrt(1.5 / FanOut), 0 },
        // keras RandomUniform defaults: minval −0.05, maxval 0.05
        { new RandomUniform(seed: 5), 0.05, 0 },
    };

    [Theory]
    [MemberData(nameof(UniformCases))]
    public void UniformInitializersFillTheirRange(Initializer init, double limit, double center)
    {
        var (mean, std, min, max) = Stats(init);
        Assert.InRange(min, center - limit, center - limit * 0.999);
        Assert.InRange(max, center + limit * 0.999, center + limit);
        AssertStd(limit / Math.Sqrt(3), std, mean - center); // U(−a, a) has std a/√3
        Assert.Equal(limit / Math.Sqrt(3), init.ExpectedStd(FanIn, FanOut), 1e-9);
    }

    public static TheoryData<Initializer, double> TruncatedCases() => new()
    {
        // keras VarianceScaling, truncated_normal: stddev √(scale/n)/0.87962566103423978, cut at 2 stddev,
        // so the values' std is √(scale/n)
        { new GlorotNormal(seed: 6), Math.Sqrt(2.0 / (FanIn + FanOut)) },
        { new HeNormal(seed: 7), Math.Sqrt(2.0 / FanIn) },
        { new LecunNormal(seed: 8), Math.Sqrt(1.0 / FanIn) },
        { new VarianceScaling(3.0, "fan_avg", "normal", seed: 9), Math.Sqrt(3.0 / 350) }, // "normal" is read as truncated_normal
    };

    [Theory]
    [MemberData(nameof(TruncatedCases))]
    public void TruncatedNormalsKeepTheIntendedStd(Initializer init, double expectedStd)
    {
        var (mean, std, min, max) = Stats(init);
        AssertStd(expectedStd, std, mean);
        double cut = 2 * expectedStd / 0.87962566103423978;
        Assert.InRange(min, -cut, -cut * 0.98);
        Assert.InRange(max, cut * 0.98, cut);
        Assert.Equal(expectedStd, init.ExpectedStd(FanIn, FanOut), 1e-9);
    }

    [Fact]
    public void UntruncatedNormal()
    {
        // VarianceScaling untruncated_normal: N(0, scale/n), so values beyond 2σ exist (≈4.6% of them)
        var init = new VarianceScaling(2.0, "fan_in", "untruncated_normal", seed: 10);
        var (mean, std, _, max) = Stats(init);
        double expected = Math.Sqrt(2.0 / FanIn);
        AssertStd(expected, std, mean);
        Assert.True(max > 3 * expected);
    }

    [Fact]
    public void RandomNormalAndTruncatedNormalDefaults()
    {
        // keras RandomNormal / TruncatedNormal defaults: mean 0, stddev 0.05. TruncatedNormal does not correct
        // for the cut at 2·0.05, so its values' std is 0.05·0.87962566.
        var (mean, std, _, _) = Stats(new RandomNormal(seed: 11));
        AssertStd(0.05, std, mean);
        (mean, std, var min, var max) = Stats(new TruncatedNormal(seed: 12));
        AssertStd(0.05 * 0.87962566103423978, std, mean);
        Assert.InRange(min, -0.1, -0.098);
        Assert.InRange(max, 0.098, 0.1);
    }

    [Fact]
    public void ConstantsHaveNoSpread()
    {
        Assert.All(new Zeros().Create(3, 4).Data, v => Assert.Equal(0f, v));
        Assert.All(new Ones().Create(3, 4).Data, v => Assert.Equal(1f, v));
        Assert.All(new Constant(0.25).Create(3, 4).Data, v => Assert.Equal(0.25f, v));
        Assert.Equal(0, new Constant(3).ExpectedStd(3, 4));
    }

    [Fact]
    public void FansFollowKerasComputeFans()
    {
        // keras/src/initializers/random_initializers.py compute_fans
        Assert.Equal((1, 1), Initializer.ComputeFans([]));
        Assert.Equal((7, 7), Initializer.ComputeFans([7]));
        Assert.Equal((3, 4), Initializer.ComputeFans([3, 4]));
        Assert.Equal((3 * 3 * 8, 3 * 3 * 16), Initializer.ComputeFans([3, 3, 8, 16])); // receptive field 9
    }

    [Fact]
    public void ConvolutionKernelsUseTheReceptiveField()
    {
        // He uniform on a [3, 3, 8, 16] kernel: fan_in = 72, limit √(6/72)
        var values = new HeUniform(seed: 13).Create(3, 3, 8, 16).Data;
        Assert.True(values.Max() <= Math.Sqrt(6.0 / 72) && values.Max() > 0.9 * Math.Sqrt(6.0 / 72));
    }

    [Fact]
    public void SeedGivesTheSameValuesEveryTimeAndNoSeedDoesNot()
    {
        var seeded = new GlorotUniform(seed: 42);
        Assert.Equal(seeded.Create(5, 6).Data, seeded.Create(5, 6).Data);
        Assert.Equal(seeded.Create(5, 6).Data, new GlorotUniform(seed: 42).Create(5, 6).Data);
        Assert.NotEqual(seeded.Create(5, 6).Data, new GlorotUniform(seed: 43).Create(5, 6).Data);
        var unseeded = new GlorotUniform();
        Assert.NotEqual(unseeded.Create(5, 6).Data, unseeded.Create(5, 6).Data);
    }
}
