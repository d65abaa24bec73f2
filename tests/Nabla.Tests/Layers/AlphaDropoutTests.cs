using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's AlphaDropout (keras/src/layers/regularization/alpha_dropout.py; Klambauer et al., 2017): an identity in
/// inference; in training dropped values take a·α' + b and kept ones a·x + b, which keeps zero mean and unit variance.</summary>
public class AlphaDropoutTests
{
    private const double AlphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;

    [Fact]
    public void TrainingKeepsAStandardNormalInputsMeanAndVariance()
    {
        const double rate = 0.2;
        var x = new Tensor(200_000);
        var rng = new RandomGenerator(1);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextNormal();
        var layer = new AlphaDropout(rate, seed: 2);
        Assert.Same(x, layer.Call(x, training: false));
        var y = layer.Call(x, training: true).Data;
        double mean = y.Average(v => (double)v), variance = y.Average(v => (v - mean) * (v - mean));
        Assert.Equal(0, mean, 1e-2);
        Assert.Equal(1, variance, 1e-2);
        double a = Math.Pow((1 - rate) * (1 + rate * AlphaP * AlphaP), -0.5), b = -a * AlphaP * rate;
        double dropped = y.Count(v => Math.Abs(v - (a * AlphaP + b)) < 1e-5) / (double)y.Length;
        Assert.Equal(rate, dropped, 1e-2);
    }

    [Fact]
    public void ItsGradientIsTheKeptScale()
    {
        var x = GradientCheck.Random(3, -1, 1, 4, 5);
        GradientCheck.Check(t => Op.Record(new AlphaDropoutOp(t[0], 0.3f, new RandomGenerator(4))), [x]);
    }

    [Fact]
    public void ConfigsRoundTripAndANoiseShapeIsRefusedByName()
    {
        var layer = (AlphaDropout)Layer.Deserialize(Config.Parse("""{"class_name": "AlphaDropout", "config": {"name": "a", "rate": 0.1, "seed": 7}}"""));
        Assert.Equal((0.1, 7), (layer.Rate, layer.Seed!.Value));
        var again = (AlphaDropout)Layer.Deserialize(new Config { ["class_name"] = "AlphaDropout", ["config"] = layer.GetConfig() });
        Assert.Equal(0.1, again.Rate);
        var error = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "AlphaDropout", "config": {"name": "a", "rate": 0.1, "noise_shape": [null, 1]}}""")));
        Assert.Contains("noise_shape", error.Message);
    }
}
