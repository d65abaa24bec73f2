using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's LayerNormalization (keras/src/layers/normalization/layer_normalization.py) and the axis rules
/// shared with BatchNormalization.</summary>
public class LayerNormalizationTests
{
    [Fact]
    public void KerasDefaultsAreAxisMinusOneEpsilonOneThousandthCenterAndScale()
    {
        // layer_normalization.py: __init__(axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
        // beta_initializer="zeros", gamma_initializer="ones").
        var layer = new LayerNormalization();
        Assert.Equal([-1], layer.Axis);
        Assert.Equal(1e-3, layer.Epsilon);
        Assert.True(layer.Center && layer.Scale);
        Assert.Equal("Zeros", layer.BetaInitializer.ClassName);
        Assert.Equal("Ones", layer.GammaInitializer.ClassName);
        var read = (LayerNormalization)Layer.Deserialize(Config.Parse("""{"class_name": "LayerNormalization", "config": {}}"""));
        Assert.Equal((1e-3, -1), (read.Epsilon, read.Axis.Single()));
    }

    [Fact]
    public void EachSampleIsNormalizedWithItsOwnMeanAndBiasedVariance()
    {
        var layer = new LayerNormalization();
        var y = layer.Call(Tensor.FromArray([1f, 2f, 3f, 4f, 10f, 10f, 10f, 10f], 2, 4), training: false);
        // Row 0: μ 2.5, σ² 1.25. Row 1 is constant: 0 everywhere, not NaN.
        double r = 1 / Math.Sqrt(1.25 + 1e-3);
        Assert.Equal([-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r, 0, 0, 0, 0], y.ToArray().Select(v => (double)v), new ToleranceComparer(1e-6));
        Assert.Equal([[4], [4]], layer.Weights.Select(w => w.Shape));
        Assert.Equal(["gamma", "beta"], layer.Weights.Select(w => w.Name!.Split('/')[^1]));
    }

    [Theory]
    [InlineData(new[] { -1 }, new[] { 5, 3, 4 })]
    [InlineData(new[] { 1, 2 }, new[] { 5, 3, 4 })]
    [InlineData(new[] { -2, -1 }, new[] { 2, 3, 2, 3 })]
    public void MatchesFiniteDifferencesForInputGammaAndBeta(int[] axis, int[] shape)
    {
        var layer = new LayerNormalization(axis);
        layer.Build(shape[1..]);
        GradientCheck.Random(3, 0.5, 1.5, layer.Weights[0].Shape).Data.CopyTo(layer.Weights[0].Data, 0);
        GradientCheck.Random(4, -0.5, 0.5, layer.Weights[1].Shape).Data.CopyTo(layer.Weights[1].Data, 0);
        var x = GradientCheck.Random(5, -2, 2, shape);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Weights[0], layer.Weights[1]], h: 1e-2, tolerance: 3e-2);
    }

    [Fact]
    public void ConfigsRoundTripAndKerasListsOfAxesLoad()
    {
        var layer = new LayerNormalization([1, 2], epsilon: 1e-5, center: false, inputShape: [3, 4], name: "ln");
        var json = Registry<Layer>.Serialize(layer).ToJsonString();
        var rebuilt = (LayerNormalization)Layer.Deserialize(Config.Parse(json));
        Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        Assert.Equal([1, 2], rebuilt.Axis);
        rebuilt.Build([3, 4]);
        Assert.Equal([[3, 4]], rebuilt.Weights.Select(w => w.Shape));
    }

    [Fact]
    public void AxesOtherThanTheLastOnesAndRmsScalingAreRefusedByName()
    {
        var middle = new LayerNormalization([1], name: "ln_mid");
        var error = Assert.Throws<NotSupportedException>(() => middle.Build([3, 4]));
        Assert.Contains("'ln_mid'", error.Message);
        Assert.Contains("axis [1]", error.Message);
        Assert.Throws<NotSupportedException>(() => new LayerNormalization([2, 1]).Build([3, 4]));
        var rms = Assert.Throws<NotSupportedException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "LayerNormalization", "config": {"name": "r", "rms_scaling": true}}""")));
        Assert.Contains("rms_scaling", rms.Message);
    }

    [Fact]
    public void BatchNormalizationReadsItsAxisAChannelsFirstOneToo()
    {
        // Keras 2 files write the resolved axis, an int or a one-item list (3 for images, channels last).
        foreach (var axis in new[] { "3", "[3]", "-1" })
        {
            var bn = (BatchNormalization)Layer.Deserialize(Config.Parse("{\"class_name\": \"BatchNormalization\", \"config\": {\"axis\": " + axis + "}}"));
            bn.Build([5, 5, 2]);
            Assert.Equal([2], bn.Weights[0].Shape);
        }
        // Channels-first models write axis 1: one weight per channel, the values ChannelsFirstTests compares.
        var channelsFirst = (BatchNormalization)Layer.Deserialize(Config.Parse("""{"class_name": "BatchNormalization", "config": {"name": "bn1", "axis": 1}}"""));
        channelsFirst.Build([2, 5, 5]);
        Assert.Equal([2], channelsFirst.Weights[0].Shape);
        var twoAxes = Assert.Throws<NotSupportedException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "BatchNormalization", "config": {"name": "bn2", "axis": [1, 2]}}""")));
        Assert.Contains("'bn2'", twoAxes.Message);
        Assert.Contains("axis' is [1, 2]", twoAxes.Message);
    }

    [Fact]
    public void AMaskPassesThroughAndTheModelTrains()
    {
        Utils.SetRandomSeed(2);
        var model = new Sequential(new Masking(inputShape: [4, 3]), new LayerNormalization(), new LSTM(2), new Dense(1));
        model.Compile("adam", "mse");
        var x = GradientCheck.Random(6, -1, 1, 16, 4, 3);
        var history = model.Fit(x, GradientCheck.Random(7, -1, 1, 16, 1), epochs: 20, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
    }
}
