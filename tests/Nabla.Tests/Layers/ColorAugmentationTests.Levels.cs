using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Onnx;
using Nabla.Tests.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Solarization and RandomPosterization: the colour layers that map values to [0, 255] first.</summary>
public partial class ColorAugmentationTests
{
    // ---- Solarization (keras/src/layers/preprocessing/image_preprocessing/solarization.py) ----

    [Fact]
    public void SolarizationAddsClipsAndInvertsFromTheThresholdUp()
    {
        // A fixed draw: addition 20 and threshold 128 on the [0, 255] scale. 0, 100 → 20, 120 (below: kept);
        // 108 → 128 (at the threshold: 255 − 128 = 127); 200 → 220 → 35; 250 → 270, clipped to 255 → 0.
        var x = Tensor.FromArray([0, 100, 108, 200, 250, 0], 1, 1, 2, 3);
        var y = Op.Record(new SolarizationOp(x, (20f, 20f), (128f, 128f), 0f, 255f, new RandomGenerator(1)));
        Assert.Equal(new[] { 20f, 120f, 127f, 35f, 0f, 20f }, y.Data);
        // value_range (0, 1) maps to [0, 255] and back: 0.4 → 102 (kept), 0.8 → 204 → 51 → 0.2.
        var unit = Tensor.FromArray([0f, 0.4f, 0.8f], 1, 1, 1, 3);
        var z = Op.Record(new SolarizationOp(unit, (0f, 0f), (128f, 128f), 0f, 1f, new RandomGenerator(1)));
        Assert.Equal(new[] { 0f, 0.4f, 0.2f }, z.Data.Select(v => MathF.Round(v, 5)).ToArray());
        // Keras's defaults (addition 0, threshold 0) invert every value: 255 − x, or −x on (−1, 1).
        Assert.Equal(new[] { 255f, 155f, 147f, 55f, 5f, 255f }, new Solarization().Call(x, training: true).Data);
        var signed = Tensor.FromArray([0.5f, -1f, 0.25f], 1, 1, 1, 3);
        Assert.Equal(new[] { -0.5f, 1f, -0.25f },
            new Solarization(valueRange: (1.0, -1.0)).Call(signed, training: true).Data.Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void SolarizationDrawsThresholdsBetweenTheLowerEndAnd255TimesTheUpperAsKeras()
    {
        // threshold_factor (0.2, 0.6): Keras draws in [0.2, 153] (the lower end unscaled), so a value of 100 is inverted
        // with probability (100 − 0.2) / 152.8 ≈ 0.653 (0.48 were the lower end scaled to 51).
        var x = new Tensor(2000, 1, 1, 1);
        Array.Fill(x.Data, 100f);
        var y = new Solarization((0.0, 0.0), (0.6, 0.2), seed: 3).Call(x, training: true);
        Assert.All(y.Data, v => Assert.True(v is 100f or 155f));
        Assert.InRange(y.Data.Count(v => v == 155f) / 2000.0, 0.653 - 0.04, 0.653 + 0.04);
        // addition_factor 0.2: additions in [0, 51], threshold 255 (factor 1: [0, 255]): 100 + a, all below at most 151.
        var shifted = new Solarization((0.0, 0.2), (1.0, 1.0), seed: 4).Call(x, training: true);
        Assert.InRange(shifted.Data.Min(), 100f, 151f);
        Assert.InRange(shifted.Data.Average(v => (double)v), 125.5 - 2, 125.5 + 2);
    }

    [Fact]
    public void SolarizationIsTheIdentityInInferenceAndASeedRepeatsItsDraws()
    {
        var x = GradientCheck.Random(11, 0, 255, 16, 2, 2, 3);
        Assert.Same(x, new Solarization(0.3, 0.8, seed: 2).Call(x, training: false));
        Assert.Same(x, new Solarization().Call(x, training: false));
        var once = new Solarization(0.3, 0.8, seed: 2).Call(x, training: true);
        Assert.Equal(once.Data, new Solarization(0.3, 0.8, seed: 2).Call(x, training: true).Data);
        var layer = new Solarization(0.3, 0.8, seed: 2);
        Assert.NotEqual(layer.Call(x, training: true).Data, layer.Call(x, training: true).Data);
    }

    [Fact]
    public void SolarizationMatchesFiniteDifferencesAwayFromItsThresholdAndClip()
    {
        // Addition 10, threshold 128 on [0, 1] images: kinks at x ≈ 0.463 (threshold) and 0.961 (clip); values stay clear.
        var x = new Tensor(2, 2, 2, 2);
        for (int i = 0; i < 16; i++) x.Data[i] = i % 2 == 0 ? 0.1f + 0.02f * i : 0.55f + 0.02f * i;
        GradientCheck.Check(t => Op.Record(new SolarizationOp(t[0], (10f, 10f), (128f, 128f), 0f, 1f, new RandomGenerator(1))), [x], h: 1e-3);
        var clipped = Tensor.FromArray([0.5f, 0.99f, 0.2f, 0.98f], 1, 2, 2, 1); // 0.99 and 0.98 clip: no gradient
        clipped.RequiresGrad = true;
        var y = Op.Record(new SolarizationOp(clipped, (10f, 10f), (300f, 300f), 0f, 1f, new RandomGenerator(1)));
        new Graph(y).Backward(Tensor.FromArray([1f, 1f, 1f, 1f], y.Shape));
        Assert.Equal(new[] { 1f, 0f, 1f, 0f }, clipped.Grad!.Data);
    }

    [Fact]
    public void SolarizationConfigsHaveKerasKeysAndDefaultsAndRoundTrip()
    {
        // solarization.py: addition_factor 0.0 and threshold_factor 0.0 (kept as (0, 0.0)), value_range (0, 255) kept
        // sorted, seed None; get_config writes value_range, addition_factor, threshold_factor, seed after the base keys.
        var loaded = (Solarization)Layer.Deserialize(Config.Parse("""{"class_name": "Solarization", "config": {"name": "s"}}"""));
        Assert.Equal(((0.0, 0.0), (0.0, 0.0), (0.0, 255.0), (int?)null), (loaded.AdditionFactor, loaded.ThresholdFactor, loaded.ValueRange, loaded.Seed));
        var keras = (Solarization)Layer.Deserialize(Config.Parse(
            """{"class_name": "Solarization", "config": {"name": "s", "addition_factor": 0.2, "threshold_factor": [0.7, 0.5], "value_range": [1, 0], "seed": 5}}"""));
        Assert.Equal(((0.0, 0.2), (0.5, 0.7), (0.0, 1.0), (int?)5), (keras.AdditionFactor, keras.ThresholdFactor, keras.ValueRange, keras.Seed));
        var written = Registry<Layer>.Serialize(new Solarization(name: "s")).ToJsonString();
        Assert.Contains("\"value_range\":[0,255],\"addition_factor\":[0,0],\"threshold_factor\":[0,0],\"seed\":null", written);
        foreach (var layer in new[] { new Solarization(), new Solarization((0.1, 0.3), (0.2, 0.9), (-1.0, 1.0), seed: 3) })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
    }

    [Fact]
    public void SolarizationRefusesWhatKerasRefusesByName()
    {
        Assert.Contains("'addition_factor' must be", Assert.Throws<ArgumentException>(() => new Solarization(1.5)).Message);
        Assert.Contains("'threshold_factor' must be", Assert.Throws<ArgumentException>(() => new Solarization((0.0, 0.1), (0.2, 1.2))).Message);
        Assert.Contains("'value_range'", Assert.Throws<ArgumentException>(() => new Solarization(valueRange: (1.0, 1.0))).Message);
        // data_format does not change a pixel-wise map: either value loads, another is named.
        Layer.Deserialize(Config.Parse("""{"class_name": "Solarization", "config": {"name": "s", "data_format": "channels_first"}}"""));
        Assert.Contains("found \"NCHW\"", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Solarization", "config": {"name": "s", "data_format": "NCHW"}}"""))).Message);
        foreach (var key in new[] { "value_range", "addition_factor", "threshold_factor" })
            Assert.Contains(key, Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
                $$$"""{"class_name": "Solarization", "config": {"name": "s", "{{{key}}}": null}}"""))).Message);
    }

    [Fact]
    public void SolarizationSavesAndLoadsAndExportsToOnnxAsTheIdentityItIsInInference()
    {
        SavesAndLoads(new Solarization(0.2, 0.5, seed: 2, name: "sol"), [3, 3, 2], 255);
        Utils.SetRandomSeed(5);
        var model = new Sequential(new Layer[] { new Solarization(0.1, 0.9, (0.0, 1.0), inputShape: [4, 4, 3]), new Conv2D(2, 3), new Flatten(), new Dense(2) });
        model.Build([4, 4, 3]);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }
    // ---- RandomPosterization (keras/src/layers/preprocessing/image_preprocessing/random_posterization.py) ----

    [Fact]
    public void PosterizationKeepsTheTopBitsOfEachValueCastToUint8()
    {
        // factor (3, 3): 3 bits kept, a shift of 5: 31 → 0, 32 → 32, 100 → 96, 200 → 192, 255 → 224; 100.9 truncates to 100.
        var x = Tensor.FromArray([0, 31, 32, 100, 200, 255, 100.9f, 63], 2, 1, 2, 2);
        Assert.Equal(new[] { 0f, 0f, 32f, 96f, 192f, 224f, 96f, 32f }, new RandomPosterization((3, 3)).Call(x, training: true).Data);
        // value_range (0, 1), 2 bits: 0.5 → 127.5 → 127 → 64 → 64/255; 0.9 → 229.5 → 229 → 192 → 192/255.
        var unit = Tensor.FromArray([0.5f, 0.9f, 1f], 1, 1, 1, 3);
        Assert.Equal(new[] { 64f / 255, 192f / 255, 192f / 255 }, new RandomPosterization((2, 2), (1.0, 0.0)).Call(unit, training: true).Data);
        // factor 8 is the range (1, 8): bits in 1..7 (randint excludes 8); factor 1 is (1, 1): always one bit.
        Assert.Equal(new[] { 0f, 128f }, new RandomPosterization(1).Call(Tensor.FromArray([127, 255], 1, 1, 1, 2), training: true).Data);
    }

    [Fact]
    public void PosterizationDrawsItsBitsAmongTheIntegersBelowTheUpperEndAsKerasRandint()
    {
        // factor 4 → (1, 4): 1, 2 or 3 bits, each a third of the time; 255 keeps 128, 192 or 224, never 240 (4 bits).
        var x = new Tensor(3000, 1, 1, 1);
        Array.Fill(x.Data, 255f);
        var y = new RandomPosterization(4, seed: 6).Call(x, training: true);
        Assert.All(y.Data, v => Assert.Contains(v, new[] { 128f, 192f, 224f }));
        foreach (float kept in new[] { 128f, 192f, 224f })
            Assert.InRange(y.Data.Count(v => v == kept) / 3000.0, 1 / 3.0 - 0.04, 1 / 3.0 + 0.04);
    }

    [Fact]
    public void PosterizationIsTheIdentityInInferenceRepeatsWithASeedAndPassesNoGradient()
    {
        var x = GradientCheck.Random(12, 0, 255, 16, 2, 2, 3);
        Assert.Same(x, new RandomPosterization(8, seed: 2).Call(x, training: false));
        var once = new RandomPosterization(8, seed: 2).Call(x, training: true);
        Assert.Equal(once.Data, new RandomPosterization(8, seed: 2).Call(x, training: true).Data);
        var layer = new RandomPosterization(8, seed: 2);
        Assert.NotEqual(layer.Call(x, training: true).Data, layer.Call(x, training: true).Data);
        // Piecewise constant, as Keras's uint8 cast: the gradient is zero (finite differences agree between the steps).
        var smooth = Tensor.FromArray([10.5f, 100.5f, 200.5f, 50.5f], 1, 2, 2, 1);
        GradientCheck.Check(t => Op.Record(new RandomPosterizationOp(t[0], 5, 5, 0f, 255f, new RandomGenerator(1))), [smooth], h: 0.1);
        Assert.All(smooth.Grad!.Data, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void PosterizationConfigsHaveKerasKeysAndRoundTrip()
    {
        // random_posterization.py: factor has no default and is kept as (1, f); value_range (0, 255) kept sorted; seed
        // None; get_config writes factor, value_range, seed after the base keys.
        var loaded = (RandomPosterization)Layer.Deserialize(Config.Parse("""{"class_name": "RandomPosterization", "config": {"name": "p", "factor": 4}}"""));
        Assert.Equal(((1, 4), (0.0, 255.0), (int?)null), (loaded.Factor, loaded.ValueRange, loaded.Seed));
        var keras = (RandomPosterization)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomPosterization", "config": {"name": "p", "factor": [6, 2], "value_range": [1, 0], "seed": 5}}"""));
        Assert.Equal(((2, 6), (0.0, 1.0), (int?)5), (keras.Factor, keras.ValueRange, keras.Seed));
        var written = Registry<Layer>.Serialize(new RandomPosterization(4, name: "p")).ToJsonString();
        Assert.Contains("\"factor\":[1,4],\"value_range\":[0,255],\"seed\":null", written);
        foreach (var layer in new[] { new RandomPosterization(8), new RandomPosterization((3, 3), (-1.0, 1.0), seed: 3) })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
    }

    [Fact]
    public void PosterizationRefusesWhatKerasRefusesAndWhatItCannotPosterizeByName()
    {
        Assert.Contains("between 1 and 8", Assert.Throws<ArgumentException>(() => new RandomPosterization(9)).Message);
        Assert.Throws<ArgumentException>(() => new RandomPosterization(0));
        Assert.Contains("'factor'", Assert.Throws<ArgumentException>(() => new RandomPosterization((9, 12))).Message);
        Assert.Throws<ArgumentException>(() => new RandomPosterization((2, 11)));
        Assert.Contains("'value_range'", Assert.Throws<ArgumentException>(() => new RandomPosterization(4, (2.0, 2.0))).Message);
        Assert.Contains("no default", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomPosterization", "config": {"name": "p"}}"""))).Message);
        Assert.Contains("whole numbers of bits", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomPosterization", "config": {"name": "p", "factor": 2.5}}"""))).Message);
        Layer.Deserialize(Config.Parse("""{"class_name": "RandomPosterization", "config": {"name": "p", "factor": 4, "data_format": "channels_first"}}"""));
        Assert.Contains("found \"NCHW\"", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomPosterization", "config": {"name": "p", "factor": 4, "data_format": "NCHW"}}"""))).Message);
        foreach (var key in new[] { "factor", "value_range" })
            Assert.Contains(key, Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
                $$$"""{"class_name": "RandomPosterization", "config": {"name": "p", "factor": 4, "{{{key}}}": null}}"""))).Message);
    }

    [Fact]
    public void PosterizationSavesAndLoadsAndExportsToOnnxAsTheIdentityItIsInInference()
    {
        SavesAndLoads(new RandomPosterization(6, seed: 2, name: "post"), [3, 3, 2], 255);
        Utils.SetRandomSeed(6);
        var model = new Sequential(new Layer[] { new RandomPosterization(3, (0.0, 1.0), inputShape: [4, 4, 3]), new Conv2D(2, 3), new Flatten(), new Dense(2) });
        model.Build([4, 4, 3]);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }
}
