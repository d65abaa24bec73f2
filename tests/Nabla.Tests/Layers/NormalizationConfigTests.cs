using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>Keys of Keras's normalization layers that must not be read as their defaults whatever they hold: a
/// BatchNormalization's four initializers, a Normalization's axis and its scalar statistics.</summary>
public class NormalizationConfigTests
{
    private static Layer Load(string className, string settings) =>
        Layer.Deserialize(Config.Parse("{\"class_name\": \"" + className + "\", \"config\": {" + settings + "}}"));

    [Fact]
    public void BatchNormalizationStartsFromTheInitializersItsConfigNames()
    {
        // keras/src/layers/normalization/batch_normalization.py: gamma, beta, moving_mean and moving_variance are built with
        // gamma_initializer ("ones"), beta_initializer ("zeros"), moving_mean_initializer ("zeros"),
        // moving_variance_initializer ("ones").
        var bn = (BatchNormalization)Load("BatchNormalization",
            """
            "gamma_initializer": {"class_name": "Constant", "config": {"value": 0.5}},
            "beta_initializer": {"class_name": "Constant", "config": {"value": 1.0}},
            "moving_mean_initializer": {"class_name": "Constant", "config": {"value": 2.0}},
            "moving_variance_initializer": {"class_name": "Constant", "config": {"value": 4.0}},
            "epsilon": 0.0001
            """);
        bn.Build([3]);
        var y = bn.Call(Tensor.FromArray([2, 4, 6], 1, 3), training: false);
        // 0.5 · (x − 2) / sqrt(4 + 1e-4) + 1
        float[] expected = [.. new[] { 2f, 4f, 6f }.Select(x => 0.5f * (x - 2) / MathF.Sqrt(4.0001f) + 1)];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], y.Data[i], 1e-5);
        var config = bn.GetConfig();
        Assert.Equal("Constant", ((Config)config["moving_variance_initializer"]!)["class_name"]);
        var rebuilt = (BatchNormalization)Layer.Deserialize(new Config { ["class_name"] = "BatchNormalization", ["config"] = config });
        Assert.Equal(4.0, ((Nabla.Initializers.Constant)rebuilt.MovingVarianceInitializer).Value);
    }

    [Fact]
    public void NormalizationBroadcastsAScalarMeanAndVariance()
    {
        // keras/src/layers/preprocessing/normalization.py: mean and variance "must be broadcastable to the shape of the kept axes".
        var layer = (Normalization)Load("Normalization", "\"mean\": 2.0, \"variance\": 4.0");
        layer.Build([3]);
        Assert.Equal([0f, 1f, 2f], layer.Call(Tensor.FromArray([2, 4, 6], 1, 3), training: false).Data);
    }

    [Fact]
    public void AMeanAndAVarianceOfDifferentLengthsAreEachBroadcastOrRefusedByName()
    {
        // Each array is checked and broadcast on its own: one value serves every feature.
        var layer = (Normalization)Load("Normalization", "\"name\": \"n\", \"mean\": [1, 2], \"variance\": [4]");
        layer.Build([2]);
        Assert.Equal([0f, 0f], layer.Call(Tensor.FromArray([1, 2], 1, 2), training: false).Data);
        var error = Assert.Throws<ArgumentException>(() => Load("Normalization", "\"name\": \"n\", \"mean\": [1, 2, 3], \"variance\": [4, 1]").Build([3]));
        Assert.Contains("2 'variance' values given for 3 features", error.Message);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("[-1]")]
    [InlineData("[2]")]
    public void NormalizationKeepsTheLastAxisAndRefusesAnotherByName(string axis)
    {
        var layer = (Normalization)Load("Normalization", "\"axis\": " + axis + ", \"mean\": [1, 2], \"variance\": [1, 1]");
        layer.Build([4, 2]);
        Assert.Equal([0f, 0f], layer.Call(Tensor.FromArray([1, 2, 1, 2, 1, 2, 1, 2], 1, 4, 2), training: false).Data[..2]);
    }

    [Theory]
    [InlineData("[3]", "'axis' 3 for inputs (None, 4, 2) must name one of axes 1 to 2")]
    [InlineData("0", "'axis' 0 for inputs (None, 4, 2) must name one of axes 1 to 2")]
    [InlineData("[1, 2]", "config 'axis' is a list of 2")]
    public void NormalizationRefusesSeveralAxesAndAxesOutsideItsInputs(string axis, string message)
    {
        var error = Assert.Throws<ArgumentException>(() =>
        {
            var layer = (Normalization)Load("Normalization", "\"name\": \"n\", \"axis\": " + axis);
            layer.Build([4, 2]);
        });
        Assert.Contains(message, error.Message);
    }
}
