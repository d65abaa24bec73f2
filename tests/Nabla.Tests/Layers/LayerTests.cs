using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

public class LayerTests
{
    [Theory]
    [InlineData("linear")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softmax")]
    [InlineData("elu")]
    public void DenseMatchesFiniteDifferences(string activation)
    {
        var dense = new Dense(4, activation: activation, inputShape: [3]);
        dense.Build([3]);
        var x = GradientCheck.Random(1, -1, 1, 5, 3);
        GradientCheck.Check(t => dense.Call(t[0], training: true), [x, dense.Kernel, dense.Bias!]);
    }

    [Fact]
    public void DenseComputesActivationOfXwPlusB()
    {
        var dense = new Dense(2, activation: "relu", inputShape: [2]);
        dense.Build([2]);
        new[] { 1f, -1f, 2f, 0.5f }.CopyTo(dense.Kernel.Data, 0); // [[1, -1], [2, 0.5]]
        new[] { 0.5f, -3f }.CopyTo(dense.Bias!.Data, 0);
        var y = dense.Call(Tensor.FromArray([1f, 2f], 1, 2), training: false);
        // x·W + b = [1 + 4 + 0.5, −1 + 1 − 3] = [5.5, −3] → relu → [5.5, 0]
        Assert.Equal([5.5f, 0f], y.ToArray());
    }

    [Fact]
    public void DenseKerasDefaultsAreGlorotUniformZerosLinear()
    {
        // keras.layers.Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros")
        var config = new Dense(3).GetConfig();
        Assert.Equal("linear", config["activation"]);
        Assert.Equal(true, config["use_bias"]);
        Assert.Equal("GlorotUniform", ((Config)config["kernel_initializer"]!)["class_name"]);
        Assert.Equal("Zeros", ((Config)config["bias_initializer"]!)["class_name"]);
    }

    public static TheoryData<Layer> Layers() =>
    [
        new Dense(7, activation: "relu", kernelInitializer: "he_uniform", inputShape: [3]),
        new Activation("tanh"),
        new Dropout(0.25, seed: 3),
        new GaussianNoise(0.2, seed: 5),
        new GaussianDropout(0.1),
        new Dropout(0.2, noiseShape: [null, 1, null]),
        new SpatialDropout2D(0.3, dataFormat: "channels_first"),
        new Flatten(),
        new Conv2DTranspose(3, (2, 3), (2, 1), "same", activation: "relu"),
        new SeparableConv2D(4, 3, depthMultiplier: 2, activation: "relu"),
        new ELU(0.7),
        new PReLU(sharedAxes: [1]),
        new Cropping1D((2, 0)),
        new Cropping2D(((1, 2), (0, 1))),
        new ZeroPadding1D(3),
        new UpSampling1D(3),
        new UpSampling2D((1, 2)),
        new RepeatVector(4),
        new Permute([3, 1, 2]),
        new InputLayer([5]),
        new BatchNormalization(momentum: 0.9),
        new LayerNormalization([1, 2], epsilon: 1e-5, scale: false),
        new GroupNormalization(2, center: false),
        new ActivityRegularization(0.1, 0.2),
        new Rescaling(1.0 / 255, 0.5),
        new Rescaling([2.0, 0.5, 1.0], [0.0, 1.0, -1.0]),
        new Normalization(mean: [1f, 2f], variance: [4f, 9f]),
    ];

    [Theory]
    [MemberData(nameof(Layers))]
    public void EveryLayerRoundTripsItsConfig(Layer layer)
    {
        var config = layer.GetConfig();
        var json = Registry<Layer>.Serialize(layer).ToJsonString();
        var rebuilt = Layer.Deserialize(Config.Parse(json));
        Assert.Equal(layer.GetType(), rebuilt.GetType());
        Assert.Equal(config.ToJsonString(), rebuilt.GetConfig().ToJsonString());
    }

    [Fact]
    public void BatchNormalizationMatchesFiniteDifferencesInTraining()
    {
        var bn = new BatchNormalization(inputShape: [3]);
        bn.Build([3]);
        var x = GradientCheck.Random(2, -2, 2, 6, 3);
        GradientCheck.Check(t => bn.Call(t[0], training: true), [x, bn.Weights[0], bn.Weights[1]], h: 1e-2, tolerance: 3e-2);
    }

    [Fact]
    public void BatchNormalizationNormalizesAndMovesStatisticsLikeKeras()
    {
        var bn = new BatchNormalization();
        var x = Tensor.FromArray([1f, 10f, 3f, 20f], 2, 2); // feature means 2 and 15, variances 1 and 25
        var y = bn.Call(x, training: true);
        // (x − μ)/sqrt(σ² + 1e-3)
        Assert.Equal(-1 / Math.Sqrt(1.001), y[0, 0], 1e-5);
        Assert.Equal(5 / Math.Sqrt(25.001), y[1, 1], 1e-5);
        // moving = 0.99·moving + 0.01·batch, from moving_mean 0 and moving_variance 1
        var movingMean = bn.NonTrainableWeights[0];
        var movingVariance = bn.NonTrainableWeights[1];
        Assert.Equal(0.02f, movingMean[0].Item(), 1e-6);
        Assert.Equal(0.99f + 0.25f, movingVariance[1].Item(), 1e-5);
        var inference = bn.Call(x, training: false);
        Assert.Equal((1 - 0.02) / Math.Sqrt(0.99 + 0.01 + 1e-3), inference[0, 0], 1e-4);
    }

    [Fact]
    public void DropoutScalesInTrainingAndIsIdentityInInference()
    {
        var dropout = new Dropout(0.5, seed: 1);
        var x = Tensor.Full(1f, 1000, 4);
        var trained = dropout.Call(x, training: true);
        Assert.All(trained.Data, v => Assert.True(v == 0f || v == 2f));
        double kept = trained.Data.Count(v => v != 0) / (double)trained.Size;
        Assert.InRange(kept, 0.45, 0.55);
        Assert.Same(x, dropout.Call(x, training: false));
    }

    [Fact]
    public void DropoutDrawsItsMaskAsOneNextDoubleCallPerEntry()
    {
        // The bulk mask keeps the generator in registers; it must draw the very numbers NextDouble would, and
        // leave the generator where they would, so seeded runs train as they did with one call per entry.
        foreach (double rate in new[] { 0.3f, 0.1, 0.5, 0.9, 0.0 })
        {
            var generator = new RandomGenerator(11);
            var reference = generator.Clone();
            var mask = new float[1003];
            float keep = (float)(1 / (1 - rate));
            generator.FillDropoutMask(mask, rate, keep);
            for (int i = 0; i < mask.Length; i++)
                Assert.Equal(reference.NextDouble() < rate ? 0f : keep, mask[i]);
            Assert.Equal(reference.NextUInt64(), generator.NextUInt64());
        }
    }

    [Fact]
    public void NormalizationAdaptsMeanAndVarianceAndHandlesConstantFeatures()
    {
        var layer = new Normalization();
        var data = Tensor.FromArray([1f, 5f, 3f, 5f, 5f, 5f], 3, 2); // feature 0: mean 3, var 8/3; feature 1 constant
        layer.Adapt(data);
        var y = layer.Call(data, training: false);
        Assert.Equal(-2 / Math.Sqrt(8.0 / 3), y[0, 0], 1e-5);
        Assert.Equal(0f, y[0, 1]); // constant feature: (5 − 5)/max(0, 1e-7) = 0, not NaN
        var inverted = new Normalization(invert: true, mean: [3f, 5f], variance: [8f / 3, 0f]).Call(y, training: false);
        Assert.Equal(1f, inverted[0, 0], 1e-4);
    }

    [Fact]
    public void RescalingMultipliesAndShifts()
    {
        var y = new Rescaling(1.0 / 255).Call(Tensor.FromArray([0f, 255f, 51f], 1, 3), training: false);
        Assert.Equal([0.0, 1.0, 0.2], y.ToArray().Select(v => (double)v), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void RescalingTakesOneScaleAndOffsetPerChannelLikeKeras3()
    {
        // Keras 3's Rescaling multiplies by a scale and adds an offset that broadcast over the last axis (channels-last).
        var layer = new Rescaling([2.0, 10.0], [1.0, -1.0]);
        var y = layer.Call(Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2), training: false);
        Assert.Equal([3.0, 19.0, 7.0, 39.0], y.ToArray().Select(v => (double)v));
        // A single scale with a per-channel offset broadcasts too.
        Assert.Equal([1.5, 0.0], new Rescaling([0.5], [1.0, -1.0]).Call(Tensor.FromArray([1f, 2f], 1, 2), training: false)
            .ToArray().Select(v => (double)v));
        GradientCheck.Check(t => new Rescaling([2.0, -3.0, 0.5], [0.1, 0.2, 0.3]).Call(t[0], training: false), [GradientCheck.Random(4, -2, 2, 5, 3)]);
    }

    [Fact]
    public void RescalingRefusesPerChannelValuesThatDoNotFitItsInput()
    {
        var lengths = Assert.Throws<ArgumentException>(() => new Rescaling([1.0, 2.0], [0.0, 1.0, 2.0]));
        Assert.Contains("'scale' has 2 values and 'offset' 3", lengths.Message);
        var axis = Assert.Throws<ArgumentException>(() => new Rescaling([1.0, 2.0], [0.0]).Call(Tensor.FromArray([1f, 2f, 3f], 1, 3), training: false));
        Assert.Contains("2 per-channel values, but its input's last axis is 3", axis.Message);
        var nan = Assert.Throws<ArgumentException>(() => new Rescaling(double.NaN));
        Assert.Contains("'scale' value 0 must be finite", nan.Message);
    }

    [Fact]
    public void RescalingReadsTheNumPyArraysKeras3WritesForPerChannelValues()
    {
        // keras.saving.serialization_lib writes a NumPy array as {"class_name": "__numpy__", "config": {"value": [...], "dtype": ...}};
        // Rescaling.get_config passes scale and offset through it, so a model rescaled per channel is saved that way.
        var config = Config.Parse("""
            {"name": "rescale", "scale": {"class_name": "__numpy__", "config": {"value": [0.5, 0.25], "dtype": "float32"}},
             "offset": [1, 2]}
            """);
        var layer = Rescaling.FromConfig(config);
        Assert.Equal([0.5, 0.25], layer.Scale);
        Assert.Equal([1.0, 2.0], layer.Offset);
        // A 0-d array holds one number; Keras's backend tensors are written the same way under "__tensor__".
        Assert.Equal([0.5], Rescaling.FromConfig(Config.Parse(
            """{"scale": {"class_name": "__numpy__", "config": {"value": 0.5, "dtype": "float32"}}}""")).Scale);
        Assert.Equal([2.0, 3.0], Rescaling.FromConfig(Config.Parse(
            """{"scale": {"class_name": "__tensor__", "config": {"value": [2, 3], "dtype": "float32"}}}""")).Scale);
        Assert.Contains("'scale' must be a number, found \"big\"", Assert.Throws<ArgumentException>(() =>
            Rescaling.FromConfig(Config.Parse("""{"scale": "big"}"""))).Message);
        // Keras's Rescaling has no default scale; the offset defaults to 0.
        Assert.Contains("'scale'", Assert.Throws<ArgumentException>(() => Rescaling.FromConfig(Config.Parse("""{"offset": 1}"""))).Message);
        Assert.Equal([0.0], Rescaling.FromConfig(Config.Parse("""{"scale": 2}""")).Offset);
        var wrong = Assert.Throws<ArgumentException>(() => Rescaling.FromConfig(Config.Parse("""{"scale": [1, "x"]}""")));
        Assert.Contains("'scale' entry 1 must be a number, found \"x\"", wrong.Message);
    }

    [Fact]
    public void LayerNamesAreUniqueLikeKeras()
    {
        var a = new Dense(2);
        var b = new Dense(2);
        Assert.StartsWith("dense", a.Name);
        Assert.NotEqual(a.Name, b.Name);
    }
}

internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

    public int GetHashCode(double value) => 0;
}
