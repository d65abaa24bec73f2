using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Onnx;
using Nabla.Tests.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras 3.6+'s colour augmentation layers (keras/src/layers/preprocessing/image_preprocessing/random_grayscale.py,
/// random_invert.py, solarization.py, random_posterization.py): values written out by hand for a fixed draw, the share of images a factor changes, what each does
/// in inference, seeds, finite differences, Keras's configs and defaults, refusals, .keras files and ONNX export.
/// </summary>
public partial class ColorAugmentationTests
{
    /// <summary>How many of a batch's images <paramref name="changed"/> differ from <paramref name="x"/>.</summary>
    private static int Changed(Tensor x, Tensor changed)
    {
        int perSample = x.Data.Length / x.Shape[0], count = 0;
        for (int b = 0; b < x.Shape[0]; b++)
            if (Enumerable.Range(b * perSample, perSample).Any(i => x.Data[i] != changed.Data[i])) count++;
        return count;
    }

    private static void SavesAndLoads(Layer layer, int[] shape, float high)
    {
        var model = new Sequential(new Layer[] { layer, new Flatten(), new Dense(2) });
        model.Build(shape);
        var x = GradientCheck.Random(3, 0, high, [4, .. shape]);
        string folder = Directory.CreateTempSubdirectory("nabla-color-aug-").FullName;
        try
        {
            model.Save(Path.Combine(folder, "model.keras"));
            var loaded = Model.Load(Path.Combine(folder, "model.keras"));
            Assert.Equal(Registry<Layer>.Serialize(layer).ToJsonString(), Registry<Layer>.Serialize(loaded.Layers[0]).ToJsonString());
            Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    // ---- RandomGrayscale (keras/src/layers/preprocessing/image_preprocessing/random_grayscale.py) ----

    [Fact]
    public void GrayscaleWritesTheLumaOfItsRgbWeightsInAllThreeChannels()
    {
        // The weights are Keras's rgb_to_grayscale's (keras/src/backend/numpy/image.py: rgb_weights = [0.2989, 0.5870, 0.1140],
        // "Ref: tf.image.rgb_to_grayscale", whose tensorflow/python/ops/image_ops_impl.py holds the same list).
        // Two pixels (100, 50, 200) and (0, 255, 10): 0.2989·100 + 0.5870·50 + 0.1140·200 = 82.04 and
        // 0.5870·255 + 0.1140·10 = 150.825; with factor 1 every image is converted.
        var x = Tensor.FromArray([100, 50, 200, 0, 255, 10], 1, 1, 2, 3);
        var gray = new RandomGrayscale(1.0).Call(x, training: true);
        Assert.Equal(new[] { 82.04f, 82.04f, 82.04f, 150.825f, 150.825f, 150.825f }, gray.Data.Select(v => MathF.Round(v, 3)).ToArray());
        Assert.Equal([1, 1, 2, 3], gray.Shape);
        Assert.Same(x, new RandomGrayscale(0.0).Call(x, training: true));
    }

    [Theory]
    [InlineData(0.3, 1)]
    [InlineData(0.5, 2)]
    [InlineData(0.9, 3)]
    public void GrayscaleConvertsAboutAFactorOfTheImagesEachOneWhollyOrNotAtAll(double factor, int seed)
    {
        var x = GradientCheck.Random(seed, 0, 255, 2000, 1, 2, 3);
        var y = new RandomGrayscale(factor, seed: seed).Call(x, training: true);
        int converted = 0;
        for (int b = 0; b < 2000; b++)
        {
            bool gray = true, same = true;
            for (int i = b * 6; i < b * 6 + 6; i += 3)
            {
                gray &= y.Data[i] == y.Data[i + 1] && y.Data[i] == y.Data[i + 2];
                same &= y.Data[i] == x.Data[i] && y.Data[i + 1] == x.Data[i + 1] && y.Data[i + 2] == x.Data[i + 2];
            }
            Assert.True(gray ^ same, $"image {b} is neither converted nor unchanged");
            if (gray) converted++;
        }
        Assert.InRange(converted / 2000.0, factor - 0.04, factor + 0.04);
    }

    [Fact]
    public void GrayscaleIsTheIdentityInInferenceAndASeedRepeatsItsDraws()
    {
        // The current random_grayscale.py's transform_images returns the images when not training (its first version,
        // keras-team/keras 5d24952, read no `training` and converted in predict too).
        var x = GradientCheck.Random(4, 0, 255, 64, 2, 2, 3);
        Assert.Same(x, new RandomGrayscale(1.0, seed: 7).Call(x, training: false));
        var once = new RandomGrayscale(0.5, seed: 7).Call(x, training: true);
        Assert.InRange(Changed(x, once), 16, 48);
        Assert.Equal(once.Data, new RandomGrayscale(0.5, seed: 7).Call(x, training: true).Data);
        var layer = new RandomGrayscale(0.5, seed: 7);
        Assert.NotEqual(layer.Call(x, training: true).Data, layer.Call(x, training: true).Data); // each call draws anew
    }

    [Fact]
    public void GrayscaleMatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(5, 0, 1, 4, 2, 2, 3);
        GradientCheck.Check(t => Op.Record(new RandomGrayscaleOp(t[0], 0.5f, new RandomGenerator(3))), [x], h: 1e-3);
        GradientCheck.Check(t => Op.Record(new RandomGrayscaleOp(t[0], 1f, new RandomGenerator(4))), [x], h: 1e-3);
    }

    [Fact]
    public void GrayscaleConfigsHaveKerasKeysAndDefaultsAndRoundTrip()
    {
        // random_grayscale.py: factor defaults to 0.5; get_config writes the base keys and factor only (its constructor
        // takes no seed, so Nabla writes one only when it was given).
        var loaded = (RandomGrayscale)Layer.Deserialize(Config.Parse("""{"class_name": "RandomGrayscale", "config": {"name": "g"}}"""));
        Assert.Equal((0.5, (int?)null), (loaded.Factor, loaded.Seed));
        var written = Registry<Layer>.Serialize(new RandomGrayscale(0.2, name: "g")).ToJsonString();
        Assert.Contains("\"factor\":0.2", written);
        Assert.DoesNotContain("seed", written);
        Assert.DoesNotContain("data_format", written);
        foreach (var layer in new[] { new RandomGrayscale(0.2), new RandomGrayscale(0.7, seed: 3) })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
        Assert.Equal(3, ((RandomGrayscale)Layer.Deserialize(Registry<Layer>.Serialize(new RandomGrayscale(0.7, seed: 3)))).Seed);
    }

    [Fact]
    public void GrayscaleRefusesWhatKerasRefusesAndWhatNablaCannotRead()
    {
        Assert.Contains("'factor' must be between 0 and 1", Assert.Throws<ArgumentException>(() => new RandomGrayscale(1.5)).Message);
        Assert.Throws<ArgumentException>(() => new RandomGrayscale(-0.1));
        Assert.Contains("'data_format' must be \"channels_last\" or \"channels_first\", found \"NCHW\"", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomGrayscale", "config": {"name": "g", "data_format": "NCHW"}}"""))).Message);
        Assert.Contains("factor", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomGrayscale", "config": {"name": "g", "factor": null}}"""))).Message);
        Assert.Contains("needs RGB images (None, height, width, 3) but receives (None, 4, 4, 4)", Assert.Throws<ArgumentException>(
            () => new Sequential(new Layer[] { new RandomGrayscale(inputShape: [4, 4, 4]) })).Message);
    }

    [Fact]
    public void GrayscaleSavesAndLoadsAndExportsToOnnxAsTheIdentityItIsInInference()
    {
        SavesAndLoads(new RandomGrayscale(0.4, seed: 2, name: "gray"), [3, 3, 3], 255);
        Utils.SetRandomSeed(3);
        var model = new Sequential(new Layer[] { new RandomGrayscale(0.9, inputShape: [4, 4, 3]), new Conv2D(2, 3), new Flatten(), new Dense(2) });
        model.Build([4, 4, 3]);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }

    // ---- RandomInvert (keras/src/layers/preprocessing/image_preprocessing/random_invert.py) ----

    [Fact]
    public void InvertSubtractsFromTheUpperEndOfTheValueRange()
    {
        // factor (1, 1): p = 1, so every draw in [0, 1) falls below it and every image is inverted.
        var x = Tensor.FromArray([0, 10, 200, 255, 30, 40], 2, 1, 1, 3);
        Assert.Equal(new[] { 255f, 245f, 55f, 0f, 225f, 215f }, new RandomInvert((1.0, 1.0)).Call(x, training: true).Data);
        var unit = Tensor.FromArray([0f, 0.25f, 1f], 1, 1, 1, 3);
        Assert.Equal(new[] { 1f, 0.75f, 0f }, new RandomInvert((1.0, 1.0), (0.0, 1.0)).Call(unit, training: true).Data);
        // Keras subtracts from value_range[1] and clips nothing: with (−1, 1), 0.5 becomes 0.5 and −1 becomes 2.
        var signed = Tensor.FromArray([0.5f, -1f, 1f], 1, 1, 1, 3);
        Assert.Equal(new[] { 0.5f, 2f, 0f }, new RandomInvert((1.0, 1.0), (-1.0, 1.0)).Call(signed, training: true).Data);
        Assert.Same(x, new RandomInvert(0.0).Call(x, training: true));
    }

    [Theory]
    [InlineData(1.0, 0.0, 1.0, 0.5)] // Keras's default factor 1.0: p uniform in [0, 1], so one image in two on average
    [InlineData(0.4, 0.0, 0.4, 0.2)]
    [InlineData(null, 0.3, 0.3, 0.3)]
    [InlineData(null, 0.6, 0.8, 0.7)]
    public void InvertChangesAboutTheMeanProbabilityOfItsImages(double? number, double lower, double upper, double expected)
    {
        var x = GradientCheck.Random(8, 0, 255, 2000, 1, 1, 3);
        var layer = number is double f ? new RandomInvert(f, seed: 5) : new RandomInvert((lower, upper), seed: 5);
        Assert.Equal((lower, upper), layer.Factor);
        var y = layer.Call(x, training: true);
        for (int i = 0; i < x.Data.Length; i++) Assert.True(y.Data[i] == x.Data[i] || y.Data[i] == 255 - x.Data[i]);
        Assert.InRange(Changed(x, y) / 2000.0, expected - 0.04, expected + 0.04);
    }

    [Fact]
    public void InvertIsTheIdentityInInferenceAndASeedRepeatsItsDraws()
    {
        var x = GradientCheck.Random(9, 0, 255, 32, 2, 2, 3);
        Assert.Same(x, new RandomInvert(seed: 1).Call(x, training: false));
        var once = new RandomInvert(seed: 1).Call(x, training: true);
        Assert.Equal(once.Data, new RandomInvert(seed: 1).Call(x, training: true).Data);
        Assert.InRange(Changed(x, once), 4, 28);
        var layer = new RandomInvert(seed: 1);
        Assert.NotEqual(layer.Call(x, training: true).Data, layer.Call(x, training: true).Data);
    }

    [Fact]
    public void InvertMatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(10, 0, 1, 6, 2, 2, 2);
        GradientCheck.Check(t => Op.Record(new RandomInvertOp(t[0], 0f, 1f, 1f, new RandomGenerator(6))), [x], h: 1e-3);
    }

    [Fact]
    public void InvertConfigsHaveKerasKeysAndDefaultsAndRoundTrip()
    {
        // random_invert.py: factor 1.0 (kept as (0, 1.0)), value_range (0, 255), seed None; get_config writes factor,
        // value_range and seed after the base keys.
        var loaded = (RandomInvert)Layer.Deserialize(Config.Parse("""{"class_name": "RandomInvert", "config": {"name": "i"}}"""));
        Assert.Equal(((0.0, 1.0), (0.0, 255.0), (int?)null), (loaded.Factor, loaded.ValueRange, loaded.Seed));
        var keras = (RandomInvert)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomInvert", "config": {"name": "i", "factor": [0, 0.5], "value_range": [0, 1], "seed": 4}}"""));
        Assert.Equal(((0.0, 0.5), (0.0, 1.0), (int?)4), (keras.Factor, keras.ValueRange, keras.Seed));
        Assert.Equal((0.0, 0.3), ((RandomInvert)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomInvert", "config": {"name": "i", "factor": 0.3}}"""))).Factor);
        var written = Registry<Layer>.Serialize(new RandomInvert(0.5, name: "i")).ToJsonString();
        Assert.Contains("\"factor\":[0,0.5],\"value_range\":[0,255],\"seed\":null", written);
        foreach (var layer in new[] { new RandomInvert(), new RandomInvert((0.2, 0.9), (-1.0, 1.0), seed: 3) })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
    }

    [Fact]
    public void InvertRefusesWhatKerasRefusesByName()
    {
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentException>(() => new RandomInvert(1.5)).Message);
        Assert.Throws<ArgumentException>(() => new RandomInvert(-0.5));
        Assert.Contains("'factor'", Assert.Throws<ArgumentException>(() => new RandomInvert((2.0, 3.0))).Message);
        Assert.Contains("found \"NCHW\"", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomInvert", "config": {"name": "i", "data_format": "NCHW"}}"""))).Message);
        Assert.Contains("value_range", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomInvert", "config": {"name": "i", "value_range": null}}"""))).Message);
    }

    [Fact]
    public void InvertSavesAndLoadsAndExportsToOnnxAsTheIdentityItIsInInference()
    {
        SavesAndLoads(new RandomInvert(seed: 2, name: "inv"), [3, 3, 2], 255);
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Layer[] { new RandomInvert(0.8, (0.0, 1.0), inputShape: [4, 4, 3]), new Conv2D(2, 3), new Flatten(), new Dense(2) });
        model.Build([4, 4, 3]);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }
}
