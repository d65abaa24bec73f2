using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's GaussianNoise (x + N(0, stddev²)) and GaussianDropout (x·N(1, rate/(1 − rate))), both active in
/// training only (keras/src/layers/regularization/gaussian_noise.py and gaussian_dropout.py).</summary>
public class GaussianNoiseTests
{
    private static (double Mean, double Std) Moments(IEnumerable<double> values)
    {
        var list = values.ToList();
        double mean = list.Average();
        return (mean, Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)));
    }

    [Fact]
    public void GaussianNoiseAddsNoiseOfItsDeviationInTrainingOnly()
    {
        var layer = new GaussianNoise(0.3, seed: 2);
        var x = GradientCheck.Random(1, -2, 2, 400, 250);
        Assert.Same(x, layer.Call(x, training: false));
        var y = layer.Call(x, training: true);
        var (mean, std) = Moments(Enumerable.Range(0, x.Size).Select(i => (double)y.Data[i] - x.Data[i]));
        // 100,000 draws: the mean's standard error is 0.3/316 ≈ 0.001, the deviation's about 0.0007.
        Assert.InRange(mean, -0.004, 0.004);
        Assert.InRange(std, 0.297, 0.303);
        // Each pass draws new noise.
        Assert.NotEqual(y.Data[0], layer.Call(x, training: true).Data[0]);
    }

    [Fact]
    public void GaussianDropoutMultipliesByNoiseOfMeanOneAndDropoutsVariance()
    {
        var layer = new GaussianDropout(0.2, seed: 3);
        var x = GradientCheck.Random(4, 0.5, 2, 400, 250);
        Assert.Same(x, layer.Call(x, training: false));
        var y = layer.Call(x, training: true);
        var (mean, std) = Moments(Enumerable.Range(0, x.Size).Select(i => (double)y.Data[i] / x.Data[i]));
        // sqrt(0.2 / 0.8) = 0.5: the deviation of a dropout mask scaled by 1/(1 − rate).
        Assert.InRange(mean, 0.995, 1.005);
        Assert.InRange(std, 0.495, 0.505);
    }

    [Fact]
    public void BothMatchFiniteDifferencesUnderTheSameNoise()
    {
        // A fresh layer with the same seed draws the same noise at every evaluation of the finite difference.
        GradientCheck.Check(t => new GaussianNoise(0.5, seed: 7).Call(t[0], training: true), [GradientCheck.Random(5, -2, 2, 4, 6)]);
        GradientCheck.Check(t => new GaussianDropout(0.4, seed: 7).Call(t[0], training: true), [GradientCheck.Random(6, -2, 2, 4, 6)]);
    }

    [Fact]
    public void SeededLayersRepeatTheirNoiseAndRoundTripTheirConfigs()
    {
        var x = GradientCheck.Random(8, -1, 1, 3, 5);
        Assert.Equal(new GaussianNoise(0.1, seed: 9).Call(x, true).Data, new GaussianNoise(0.1, seed: 9).Call(x, true).Data);
        var noise = (GaussianNoise)Layer.Deserialize(Config.Parse("""{"class_name": "GaussianNoise", "config": {"name": "gn", "stddev": 0.25, "seed": 4}}"""));
        Assert.Equal((0.25, 4, "gn"), (noise.Stddev, noise.Seed!.Value, noise.Name));
        var dropout = (GaussianDropout)Layer.Deserialize(Registry<Layer>.Serialize(new GaussianDropout(0.3, inputShape: [5])));
        Assert.Equal(0.3, dropout.Rate);
        Assert.Null(dropout.Seed);
        Assert.Equal([5], dropout.DeclaredInputShape!);
        Assert.Equal(0.3, dropout.GetConfig()["rate"]);
        Assert.Null(dropout.GetConfig()["seed"]);
    }

    [Fact]
    public void OutOfRangeArgumentsAreRefusedWithTheirValues()
    {
        Assert.Contains("-0.1", Assert.Throws<ArgumentException>(() => new GaussianNoise(-0.1)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new GaussianNoise(double.NaN)).Message);
        // Keras takes a rate of 1, whose noise deviation sqrt(rate / (1 − rate)) is infinite.
        Assert.Contains("[0, 1)", Assert.Throws<ArgumentException>(() => new GaussianDropout(1)).Message);
    }

    [Fact]
    public void AModelWithGaussianNoiseTrainsAndPredictsWithoutNoise()
    {
        Utils.SetRandomSeed(1);
        var model = new Sequential(new GaussianNoise(0.1, inputShape: [4]), new Dense(3, activation: "relu"), new GaussianDropout(0.2), new Dense(1));
        model.Compile("adam", "mse");
        var x = GradientCheck.Random(9, -1, 1, 64, 4);
        var y = GradientCheck.Random(10, -1, 1, 64, 1);
        var history = model.Fit(x, y, epochs: 30, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.Equal(model.Predict(x).Data, model.Predict(x).Data);
    }
}
