using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's GroupNormalization (keras/src/layers/normalization/group_normalization.py).</summary>
public class GroupNormalizationTests
{
    [Fact]
    public void KerasDefaults()
    {
        // group_normalization.py: groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta zeros, gamma ones.
        var layer = (GroupNormalization)Layer.Deserialize(Config.Parse("""{"class_name": "GroupNormalization", "config": {}}"""));
        Assert.Equal((32, -1, 1e-3, true, true), (layer.Groups, layer.Axis, layer.Epsilon, layer.Center, layer.Scale));
        Assert.Equal(("Zeros", "Ones"), (layer.BetaInitializer.ClassName, layer.GammaInitializer.ClassName));
    }

    [Fact]
    public void EachSamplesGroupIsNormalizedOverItsPositionsAndChannels()
    {
        var layer = new GroupNormalization(groups: 2);
        var x = GradientCheck.Random(1, -2, 2, 2, 3, 4); // 2 samples, 3 steps, 4 channels in 2 groups of 2
        var y = layer.Call(x, false);
        for (int s = 0; s < 2; s++)
            for (int g = 0; g < 2; g++)
            {
                var cells = Enumerable.Range(0, 3).SelectMany(t => Enumerable.Range(2 * g, 2).Select(c => (s * 3 + t) * 4 + c)).ToArray();
                double mean = cells.Average(i => x.Data[i]), variance = cells.Average(i => Math.Pow(x.Data[i] - mean, 2));
                foreach (int i in cells) Assert.True(Math.Abs((x.Data[i] - mean) / Math.Sqrt(variance + 1e-3) - y.Data[i]) < 1e-5, $"value {i}");
            }
    }

    [Fact]
    public void MatchesFiniteDifferencesForInputGammaAndBeta()
    {
        var layer = new GroupNormalization(groups: 3);
        layer.Build([2, 2, 6]);
        GradientCheck.Random(2, 0.5, 1.5, 6).Data.CopyTo(layer.Weights[0].Data, 0);
        GradientCheck.Random(3, -0.5, 0.5, 6).Data.CopyTo(layer.Weights[1].Data, 0);
        GradientCheck.Check(t => layer.Call(t[0], true), [GradientCheck.Random(4, -2, 2, 2, 2, 2, 6), layer.Weights[0], layer.Weights[1]],
            h: 1e-2, tolerance: 3e-2);
    }

    [Fact]
    public void ConfigsRoundTripAndGroupsThatDoNotDivideTheChannelsAreRefused()
    {
        var layer = new GroupNormalization(4, epsilon: 1e-5, center: false, name: "gn");
        Assert.Equal(layer.GetConfig().ToJsonString(), Layer.Deserialize(Registry<Layer>.Serialize(layer)).GetConfig().ToJsonString());
        var error = Assert.Throws<ArgumentException>(() => new Sequential(new GroupNormalization(4, inputShape: [6], name: "bad")));
        Assert.Contains("'bad'", error.Message);
        Assert.Contains("6 channels", error.Message);
    }
}
