using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Onnx;
using Nabla.Tests.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras 3.6+'s RandomErasing (keras/src/layers/preprocessing/image_preprocessing/random_erasing.py): per image, with a
/// probability drawn in factor, one rectangle of width √u₁·W and height √u₂·H (u in scale) placed uniformly takes the
/// fill, clipped to value_range. Checked on patches worked out by hand, draw statistics, fills, inference, seeds, finite
/// differences, configs and .keras files.
/// </summary>
public class RandomErasingTests
{
    private static float[] Image(Tensor images, int b)
    {
        int size = images.Size / images.Shape[0];
        return images.Data.AsSpan(b * size, size).ToArray();
    }

    [Fact]
    public void AQuarterScaleErasesATwoByTwoBlockOfAFourByFourImageInEveryChannel()
    {
        // scale (0.25, 0.25): √0.25 = 0.5, a patch 2 pixels wide and high starting in [0, 2): columns x0 ≤ c < x0 + 2 are
        // always two neighbours, rows alike; factor (1, 1) erases every image.
        var x = Tensor.Full(1f, 50, 4, 4, 2);
        var erased = new RandomErasing((1, 1), (0.25, 0.25), [7], seed: 3).Call(x, training: true);
        var corners = new HashSet<(int, int)>();
        for (int b = 0; b < 50; b++)
        {
            var image = Image(erased, b);
            var cells = Enumerable.Range(0, 16).Where(p => image[2 * p] == 7).ToList();
            Assert.Equal(4, cells.Count);
            Assert.All(cells, p => Assert.Equal(7f, image[2 * p + 1]));
            int top = cells.Min(p => p / 4), left = cells.Min(p => p % 4);
            Assert.Equal(new[] { top * 4 + left, top * 4 + left + 1, (top + 1) * 4 + left, (top + 1) * 4 + left + 1 }, cells);
            Assert.Equal(24, image.Count(v => v == 1));
            corners.Add((top, left));
        }
        // x0 in (0, 1) covers columns 1, 2 and x0 in (1, 2) columns 2, 3 (x0 = 0 exactly, for 0, 1, has probability 0):
        // Keras's real bounds never start a patch of half the image at its first row or column here.
        Assert.Equal(new HashSet<(int, int)> { (1, 1), (1, 2), (2, 1), (2, 2) }, corners);
    }

    [Fact]
    public void PatchesStayInsideScaleBoundsAndImagesAreErasedWithTheDrawnProbability()
    {
        var x = Tensor.Full(1f, 400, 10, 12, 1);
        var erased = new RandomErasing((0.5, 0.5), null, [0], seed: 5).Call(x, training: true);
        int count = 0;
        for (int b = 0; b < 400; b++)
        {
            var cells = Enumerable.Range(0, 120).Where(p => Image(erased, b)[p] == 0).ToList();
            if (cells.Count == 0) continue;
            count++;
            int rows = cells.Max(p => p / 12) - cells.Min(p => p / 12) + 1, cols = cells.Max(p => p % 12) - cells.Min(p => p % 12) + 1;
            Assert.Equal(rows * cols, cells.Count); // a rectangle
            // Default scale (0.02, 0.33): a real length between √0.02·n and √0.33·n covers that many pixels, rounded either way.
            Assert.InRange(cols, (int)Math.Floor(Math.Sqrt(0.02) * 12), (int)Math.Ceiling(Math.Sqrt(0.33) * 12));
            Assert.InRange(rows, (int)Math.Floor(Math.Sqrt(0.02) * 10), (int)Math.Ceiling(Math.Sqrt(0.33) * 10));
        }
        Assert.InRange(count, 170, 230);
        // A number f: the probability is drawn in [0, f], so images are erased with probability f/2 overall.
        var some = new RandomErasing(0.6, fillValue: 0, seed: 6).Call(x, training: true);
        int erasedCount = Enumerable.Range(0, 400).Count(b => Image(some, b).Contains(0f));
        Assert.InRange(erasedCount, 95, 145);
    }

    [Fact]
    public void FillsAreClippedToTheValueRangeAndNoneIsGaussianNoiseTimesItsTop()
    {
        var x = Tensor.Full(0.5f, 40, 6, 6, 3);
        var channels = new RandomErasing((1, 1), (0.5, 0.5), [-5, 100, 300], seed: 1).Call(Tensor.Full(50f, 4, 6, 6, 3), training: true);
        for (int i = 0; i < channels.Size; i++)
        {
            float expected = (i % 3) switch { 0 => 0f, 1 => 100f, _ => 255f };
            if (channels.Data[i] != 50) Assert.True(expected == channels.Data[i], $"value {i}: {channels.Data[i]}, expected {expected}");
        }
        Assert.Contains(255f, channels.Data);
        var noisy = new RandomErasing((1, 1), (0.3, 0.3), null, (0, 1), seed: 2).Call(x, training: true);
        var filled = noisy.Data.Where(v => v != 0.5f).ToList();
        Assert.All(filled, v => Assert.InRange(v, 0f, 1f));
        int zeros = filled.Count(v => v == 0), ones = filled.Count(v => v == 1);
        Assert.InRange(zeros / (double)filled.Count, 0.42, 0.58);      // N(0, 1) < 0, clipped to 0: one half
        Assert.InRange(ones / (double)filled.Count, 0.11, 0.21);       // N(0, 1) > 1: 15.9 %
    }

    [Fact]
    public void InInferenceAndWithFactorZeroItIsTheIdentityAndASeedRepeatsItsDraws()
    {
        var x = GradientCheck.Random(1, 0, 255, 4, 8, 8, 3);
        var layer = new RandomErasing(seed: 7);
        Assert.Same(x, layer.Call(x, training: false));
        Assert.Same(x, new RandomErasing(0.0).Call(x, training: true));
        var once = new RandomErasing((1, 1), seed: 7).Call(x, training: true);
        Assert.NotEqual(x.Data, once.Data);
        Assert.Equal(once.Data, new RandomErasing((1, 1), seed: 7).Call(x, training: true).Data);
        Assert.NotEqual(once.Data, new RandomErasing((1, 1), seed: 8).Call(x, training: true).Data);
    }

    [Fact]
    public void TheGradientPassesOutsideThePatchesOnly()
    {
        var x = GradientCheck.Random(5, 0, 1, 3, 5, 6, 2);
        GradientCheck.Check(t => Op.Record(new RandomErasingOp(t[0], 0.7f, 1f, 0.1f, 0.4f, null, 0f, 1f, new RandomGenerator(4))), [x], h: 1e-3);
        GradientCheck.Check(t => Op.Record(new RandomErasingOp(t[0], 1f, 1f, 0.2f, 0.5f, [0.3f], 0f, 1f, new RandomGenerator(5))), [x], h: 1e-3);
    }

    [Fact]
    public void KerasConfigsLoadWithKerasDefaultsAndRoundTrip()
    {
        // random_erasing.py __init__: factor=1.0 (kept as (0, 1.0)), scale=(0.02, 0.33), fill_value=None, value_range=(0, 255).
        var plain = (RandomErasing)Layer.Deserialize(Config.Parse("""{"class_name": "RandomErasing", "config": {"name": "e"}}"""));
        Assert.Equal(((0.0, 1.0), (0.02, 0.33), (0.0, 255.0)), (plain.Factor, plain.Scale, plain.ValueRange));
        Assert.Null(plain.FillValue);
        var given = (RandomErasing)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomErasing", "config": {"name": "e", "factor": 0.4, "scale": [0.3, 0.1], "fill_value": 128, "value_range": [0, 1], "seed": 2, "data_format": "channels_last"}}"""));
        Assert.Equal(((0.0, 0.4), (0.1, 0.3), (0.0, 1.0), (int?)2), (given.Factor, given.Scale, given.ValueRange, given.Seed));
        Assert.Equal([128.0], given.FillValue!);
        var rgb = (RandomErasing)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomErasing", "config": {"name": "e", "factor": [0, 1.0], "fill_value": [1, 2, 3]}}"""));
        Assert.Equal([1.0, 2, 3], rgb.FillValue!);
        foreach (var layer in new Layer[] { plain, given, rgb })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
        Assert.Contains("\"fill_value\":null", Registry<Layer>.Serialize(plain).ToJsonString().Replace(" ", ""));
    }

    [Theory]
    [InlineData("\"factor\": 1.5", "factor")]
    [InlineData("\"factor\": [1.2, 1.5]", "factor")]
    [InlineData("\"scale\": -0.1", "scale")]
    [InlineData("\"scale\": null", "scale")]
    [InlineData("\"fill_value\": [1, 2]", "fill_value")]
    [InlineData("\"fill_value\": \"noise\"", "fill_value")]
    [InlineData("\"value_range\": [255, 0]", "value_range")]
    [InlineData("\"data_format\": \"NCHW\"", "NCHW")]
    [InlineData("\"fill_mode\": \"constant\"", "fill_mode")]
    public void BadConfigsAreRefusedByName(string keys, string named)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            $"{{\"class_name\": \"RandomErasing\", \"config\": {{\"name\": \"e\", {keys}}}}}")));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void ThreeFillValuesNeedThreeChannels()
    {
        var layer = new RandomErasing((1, 1), fillValue: [1, 2, 3]);
        Assert.ThrowsAny<ArgumentException>(() => layer.Call(Tensor.Full(0f, 1, 4, 4, 1), training: true));
    }

    [Fact]
    public void AModelWithErasingSavesAndLoadsAsKerasFile()
    {
        Utils.SetRandomSeed(3);
        var input = new Input([6, 6, 3]);
        var erasing = new RandomErasing((0.2, 0.8), (0.05, 0.2), [1, 2, 3], (0, 10), seed: 5);
        var model = new Model(input, new Dense(2).Apply(new Flatten().Apply(erasing.Apply(input))));
        var x = GradientCheck.Random(4, 0, 1, 3, 6, 6, 3);
        string folder = Directory.CreateTempSubdirectory("nabla-erasing-").FullName;
        try
        {
            model.Save(Path.Combine(folder, "model.keras"));
            var loaded = Model.Load(Path.Combine(folder, "model.keras"));
            var back = Assert.Single(loaded.Layers.OfType<RandomErasing>());
            Assert.Equal((erasing.Factor, erasing.Scale, erasing.ValueRange, erasing.Seed), (back.Factor, back.Scale, back.ValueRange, back.Seed));
            Assert.Equal(erasing.FillValue!, back.FillValue!);
            Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void ShearAndErasingExportToOnnxAsTheIdentityTheyAreInInference()
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(new RandomShear(0.3, 0.2, inputShape: [6, 6, 1]), new RandomErasing(1.0, fillValue: 0.5),
            new Conv2D(2, 3, activation: "relu"), new Flatten(), new Dense(3));
        model.Build([6, 6, 1]);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
        Assert.NotNull(OnnxExport.ToBytes(model));
    }
}
