using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Dropout's noise_shape and Keras's SpatialDropout1D/2D (keras/src/layers/regularization/spatial_dropout.py),
/// which drop whole channels: noise shapes (batch, 1, channels), (batch, 1, 1, channels) or, channels first,
/// (batch, channels, 1, 1).</summary>
public class SpatialDropoutTests
{
    /// <summary>Asserts that each sample's channel is either dropped everywhere or kept (scaled) everywhere, and returns
    /// the share of (sample, channel) pairs dropped.</summary>
    private static double DroppedChannelShare(Tensor x, Tensor y, int channelAxis, double keepScale)
    {
        int rank = x.Rank, channels = x.Shape[channelAxis], samples = x.Shape[0];
        int inner = 1;
        for (int axis = channelAxis + 1; axis < rank; axis++) inner *= x.Shape[axis];
        int perSample = x.Size / samples;
        int dropped = 0;
        for (int s = 0; s < samples; s++)
            for (int c = 0; c < channels; c++)
            {
                var states = new HashSet<bool>();
                for (int i = 0; i < perSample; i++)
                {
                    if (i / inner % channels != c) continue;
                    int at = s * perSample + i;
                    bool kept = y.Data[at] != 0;
                    if (kept) Assert.True(Math.Abs(x.Data[at] * keepScale - y.Data[at]) < 1e-5, $"value {at}: {y.Data[at]} for {x.Data[at]}");
                    states.Add(kept);
                }
                Assert.Single(states);
                if (!states.Single()) dropped++;
            }
        return (double)dropped / (samples * channels);
    }

    [Fact]
    public void SpatialDropout1DDropsWholeChannelsOfEachSequence()
    {
        var layer = new SpatialDropout1D(0.4, seed: 1);
        var x = GradientCheck.Random(1, 0.5, 1.5, 200, 6, 10);
        Assert.Same(x, layer.Call(x, training: false));
        double share = DroppedChannelShare(x, layer.Call(x, training: true), channelAxis: 2, keepScale: 1 / 0.6);
        Assert.InRange(share, 0.35, 0.45); // 2,000 decisions: standard error 0.011
    }

    [Theory]
    [InlineData("channels_last", 3)]
    [InlineData("channels_first", 1)]
    public void SpatialDropout2DDropsWholeFeatureMaps(string dataFormat, int channelAxis)
    {
        var layer = new SpatialDropout2D(0.5, seed: 2, dataFormat: dataFormat);
        var x = GradientCheck.Random(2, 0.5, 1.5, 100, 4, 4, 5);
        double share = DroppedChannelShare(x, layer.Call(x, training: true), channelAxis, keepScale: 2);
        Assert.InRange(share, 0.43, 0.57);
    }

    [Theory]
    [InlineData("channels_last", 4)]
    [InlineData("channels_first", 1)]
    public void SpatialDropout3DDropsWholeChannelsOfAVolume(string dataFormat, int channelAxis)
    {
        // keras/src/layers/regularization/spatial_dropout.py: SpatialDropout3D's noise shape is (batch, 1, 1, 1, channels).
        var layer = new SpatialDropout3D(0.5, seed: 7, dataFormat: dataFormat);
        var x = GradientCheck.Random(7, 0.5, 1.5, 100, 3, 3, 3, 5);
        double share = DroppedChannelShare(x, layer.Call(x, training: true), channelAxis, keepScale: 2);
        Assert.InRange(share, 0.43, 0.57); // 500 decisions: standard error 0.022
        Assert.Same(x, layer.Call(x, training: false));
    }

    [Fact]
    public void DropoutWithANoiseShapeSharesDecisionsAlongItsAxesOfOne()
    {
        // noise_shape (None, 1, None) is SpatialDropout1D's.
        var layer = (Dropout)Layer.Deserialize(Config.Parse(
            """{"class_name": "Dropout", "config": {"name": "d", "rate": 0.3, "noise_shape": [null, 1, null], "seed": 4}}"""));
        Assert.Equal([null, 1, null], layer.NoiseShape!);
        var x = GradientCheck.Random(3, 0.5, 1.5, 50, 7, 8);
        double share = DroppedChannelShare(x, layer.Call(x, training: true), channelAxis: 2, keepScale: 1 / 0.7);
        Assert.InRange(share, 0.22, 0.38);
        Assert.Equal("[null,1,null]", layer.GetConfig()["noise_shape"] is List<object?> list
            ? "[" + string.Join(",", list.Select(d => d?.ToString() ?? "null")) + "]" : "none");
        var wrong = new Dropout(0.3, noiseShape: [null, 2, null], name: "bad");
        var error = Assert.Throws<ArgumentException>(() => wrong.Call(x, training: true));
        Assert.Contains("'bad'", error.Message);
        Assert.Contains("[None, 2, None]", error.Message);
    }

    [Fact]
    public void GradientsFlowThroughTheKeptChannelsOnly()
    {
        GradientCheck.Check(t => new SpatialDropout1D(0.5, seed: 5).Call(t[0], training: true), [GradientCheck.Random(4, -1, 1, 3, 4, 5)]);
        GradientCheck.Check(t => new SpatialDropout2D(0.5, seed: 6).Call(t[0], training: true), [GradientCheck.Random(5, -1, 1, 2, 3, 3, 4)]);
        GradientCheck.Check(t => new SpatialDropout3D(0.5, seed: 8).Call(t[0], training: true), [GradientCheck.Random(6, -1, 1, 2, 2, 3, 2, 3)]);
    }

    [Fact]
    public void ConfigsRoundTripAndWrongRanksAreRefusedByName()
    {
        foreach (var layer in new Layer[] { new SpatialDropout1D(0.2, seed: 3), new SpatialDropout2D(0.25, dataFormat: "channels_first"),
                     new SpatialDropout3D(0.3, seed: 2) })
        {
            var rebuilt = Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
            Assert.Equal(layer.ClassName, rebuilt.ClassName);
            Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        }
        var read = (SpatialDropout)Layer.Deserialize(Config.Parse("""{"class_name": "SpatialDropout2D", "config": {"rate": 0.1}}"""));
        Assert.Equal(("channels_last", 2), (read.DataFormat, read.SpatialAxes));
        var volume = (SpatialDropout)Layer.Deserialize(Config.Parse("""{"class_name": "SpatialDropout3D", "config": {"rate": 0.1, "data_format": null}}"""));
        Assert.Equal(("channels_last", 3), (volume.DataFormat, volume.SpatialAxes));
        var error = Assert.Throws<ArgumentException>(() => new Sequential(new SpatialDropout1D(0.2, inputShape: [4, 4, 3], name: "sd")));
        Assert.Contains("'sd'", error.Message);
    }
}
