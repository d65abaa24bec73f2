using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras's RandomCrop as Keras 3.0–3.5 (keras/src/layers/preprocessing/random_crop.py) and tf.keras 2
/// (tf_keras/layers/preprocessing/image_preprocessing.py) run it: in training one random height × width window per
/// batch, its corner uniform over every position; in inference, and in training for an image smaller than the window,
/// smart_resize (keras/src/utils/image_utils.py: the largest central window of the target's aspect ratio, resized
/// bilinearly).
/// </summary>
public class RandomCropTests
{
    private static Tensor Images(int seed, int batch, int height, int width, int channels = 1) =>
        GradientCheck.Random(seed, 0, 1, batch, height, width, channels);

    private static Tensor Counting(int height, int width) =>
        Tensor.FromArray(Enumerable.Range(0, height * width).Select(i => (float)i).ToArray(), 1, height, width, 1);

    /// <summary>The corners (top, left) at which every image of the batch equals the output's window.</summary>
    private static List<(int, int)> CornersOf(Tensor x, Tensor crop)
    {
        int h = crop.Shape[1], w = crop.Shape[2], c = x.Shape[3];
        var corners = new List<(int, int)>();
        for (int top = 0; top + h <= x.Shape[1]; top++)
            for (int left = 0; left + w <= x.Shape[2]; left++)
            {
                var window = Tensor.Slice(x, [0, top, left, 0], [x.Shape[0], h, w, c]);
                if (window.Data.SequenceEqual(crop.Data)) corners.Add((top, left));
            }
        return corners;
    }

    [Fact]
    public void InTrainingEachOutputIsOneWindowSharedByTheWholeBatch()
    {
        var x = Images(1, 3, 5, 6, 2);
        var layer = new RandomCrop(3, 4, seed: 2);
        for (int step = 0; step < 30; step++)
        {
            var crop = layer.Call(x, training: true);
            Assert.Equal([3, 3, 4, 2], crop.Shape);
            Assert.Single(CornersOf(x, crop)); // Keras crops all images of a batch at the same place
        }
        // An image exactly the window's size is its own only window.
        var same = Images(2, 2, 3, 4);
        Assert.Equal(same.Data, new RandomCrop(3, 4, seed: 2).Call(same, training: true).Data);
    }

    [Fact]
    public void CornersCoverEveryPositionUniformlyAndASeedRepeatsThem()
    {
        // 5×4 image, 2×2 window: 4 × 3 corners; the top-left pixel's value names the corner.
        var x = Counting(5, 4);
        var layer = new RandomCrop(2, 2, seed: 3);
        var counts = new int[12];
        for (int i = 0; i < 3600; i++)
        {
            float corner = layer.Call(x, training: true).Data[0];
            counts[(int)corner / 4 * 3 + (int)corner % 4]++;
        }
        // 300 expected each; ±60 is beyond 3.5 standard deviations (√(3600·(1/12)·(11/12)) ≈ 16.6).
        Assert.All(counts, n => Assert.InRange(n, 240, 360));
        var a = new RandomCrop(2, 2, seed: 9);
        var b = new RandomCrop(2, 2, seed: 9);
        var fromA = Enumerable.Range(0, 10).Select(_ => a.Call(x, training: true).Data[0]).ToArray();
        Assert.Equal(fromA, Enumerable.Range(0, 10).Select(_ => b.Call(x, training: true).Data[0]).ToArray());
        Assert.True(fromA.Distinct().Count() > 1);
        // Without a seed, draws come from the global generator.
        Utils.SetRandomSeed(4);
        var global = Enumerable.Range(0, 10).Select(_ => new RandomCrop(2, 2).Call(x, training: true).Data[0]).ToArray();
        Utils.SetRandomSeed(4);
        Assert.Equal(global, Enumerable.Range(0, 10).Select(_ => new RandomCrop(2, 2).Call(x, training: true).Data[0]).ToArray());
    }

    [Fact]
    public void AReplayedGraphDrawsANewCornerEachStep()
    {
        var x = Counting(6, 6);
        x.RequiresGrad = true; // the graph records the ops a gradient would pass through
        var crop = new RandomCrop(2, 2, seed: 5).Call(x, training: true);
        var graph = new Graph(crop);
        var seen = new HashSet<float>();
        for (int i = 0; i < 40; i++)
        {
            graph.Forward();
            seen.Add(crop.Data[0]);
        }
        Assert.True(seen.Count > 10, $"{seen.Count} corners in 40 steps");
    }

    [Fact]
    public void InInferenceKerasSmartResizesTheLargestCentralWindowOfTheTargetsAspectRatio()
    {
        // 4×6 to 2×2: crop_height = min(4, 6·2/2) = 4, crop_width = min(6, 4·2/2) = 4, at column (6 − 4) // 2 = 1; halving
        // bilinearly averages 2×2 blocks of rows 0..3, columns 1..4.
        var x = Counting(4, 6);
        Assert.Equal([4.5f, 6.5f, 16.5f, 18.5f], new RandomCrop(2, 2).Call(x, training: false).Data);
        // In general: Resizing of CenterCrop's window (10×10 to 4×6: a 6×10 window, rows 2..7).
        var images = Images(3, 2, 10, 10, 3);
        Assert.Equal(new Resizing(4, 6).Call(new CenterCrop(6, 10).Call(images, training: false), training: false).Data,
            new RandomCrop(4, 6).Call(images, training: false).Data);
        // An image of the target's size passes unchanged.
        var same = Images(4, 2, 4, 6, 2);
        Assert.Equal(same.Data, new RandomCrop(4, 6).Call(same, training: false).Data);
    }

    [Fact]
    public void AnImageSmallerThanTheWindowIsSmartResizedInTrainingTooAsCenterCropDoes()
    {
        // 5×6 to 6×3: crop_height = min(5, 6·6/3) = 5, crop_width = min(6, 5·3/6 = 2.5 → 2) = 2 at column 2, resized to 6×3;
        // Keras's CenterCrop (center_crop.py) smart-resizes an image smaller than its window the same way.
        var x = Images(5, 2, 5, 6, 2);
        var expected = new Resizing(6, 3).Call(Tensor.Slice(x, [0, 0, 2, 0], [2, 5, 2, 2]), training: false).Data;
        Assert.Equal(expected, new RandomCrop(6, 3, seed: 1).Call(x, training: true).Data);
        Assert.Equal(expected, new RandomCrop(6, 3).Call(x, training: false).Data);
        Assert.Equal(expected, new CenterCrop(6, 3).Call(x, training: false).Data);
    }

    [Fact]
    public void GradientsFlowThroughTheCropAndTheResize()
    {
        var x = Images(6, 2, 5, 4, 2);
        // A fresh generator per forward pass keeps the corner fixed while the differences are taken.
        GradientCheck.Check(t => Op.Record(new RandomCropOp(t[0], 3, 2, new RandomGenerator(7))), [x], h: 1e-3);
        GradientCheck.Check(t => new RandomCrop(3, 3).Call(t[0], training: false), [x], h: 1e-3);
        GradientCheck.Check(t => new RandomCrop(3, 3, seed: 8).Call(t[0], training: true), [x], h: 1e-3);
    }

    [Fact]
    public void KerasConfigsLoadWithKerasDefaultsRoundTripAndBadOnesAreRefused()
    {
        // keras/src/layers/preprocessing/image_preprocessing/random_crop.py __init__: seed None, data_format None (channels_last).
        var crop = (RandomCrop)Layer.Deserialize(Config.Parse("""{"class_name": "RandomCrop", "config": {"name": "c", "height": 4, "width": 5}}"""));
        Assert.Equal((4, 5, (int?)null), (crop.Height, crop.Width, crop.Seed));
        var seeded = (RandomCrop)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomCrop", "config": {"name": "s", "height": 3, "width": 2, "seed": 1337, "data_format": "channels_last", "batch_input_shape": [null, 8, 8, 3]}}"""));
        Assert.Equal(1337, seeded.Seed);
        Assert.Equal([8, 8, 3], seeded.DeclaredInputShape!);
        foreach (var layer in new[] { crop, seeded })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
        Assert.Contains("'height' and 'width' must be positive; found 0 and 3", Assert.Throws<ArgumentException>(() => new RandomCrop(0, 3)).Message);
        Assert.Contains("must be positive; found 2 and -1", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomCrop", "config": {"name": "c", "height": 2, "width": -1}}"""))).Message);
        foreach (var bad in new[] { "\"height\": 2.5, \"width\": 2", "\"width\": 2", "\"height\": 2, \"width\": 2, \"data_format\": \"NCHW\"",
                     "\"height\": 2, \"width\": 2, \"bounding_box_format\": \"xyxy\"" })
            Assert.ThrowsAny<Exception>(() => Layer.Deserialize(Config.Parse("{\"class_name\": \"RandomCrop\", \"config\": {\"name\": \"c\", " + bad + "}}")));
        Assert.Contains("'data_format' must be \"channels_last\" or \"channels_first\", found \"NCHW\"",
            Assert.Throws<ArgumentException>(() => new RandomCrop(2, 2, dataFormat: "NCHW")).Message);
        Assert.Contains("needs images (None, height, width, channels)",
            Assert.Throws<ArgumentException>(() => new RandomCrop(2, 2).Call(new Tensor(2, 4, 4), training: true)).Message);
    }

    [Fact]
    public void AConvNetWithRandomCropTrainsSavesAndReloads()
    {
        Utils.SetRandomSeed(12);
        var model = new Sequential(new RandomCrop(8, 8, inputShape: [10, 10, 1]), new Conv2D(4, 3, activation: "relu"),
            new GlobalAveragePooling2D(), new Dense(2, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var x = Images(13, 64, 10, 10);
        var y = new Tensor(64);
        for (int b = 0; b < 64; b++)
        {
            y.Data[b] = b % 2;
            if (b % 2 == 1) for (int i = 0; i < 100; i++) x.Data[b * 100 + i] *= 3;
        }
        var history = model.Fit(x, y, epochs: 15, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss {history["loss"][0]:F3} -> {history["loss"][^1]:F3}");
        Assert.Equal([64, 2], model.Predict(x).Shape);
        string folder = Directory.CreateTempSubdirectory("nabla-random-crop-").FullName;
        try
        {
            model.Save(Path.Combine(folder, "model.keras"));
            var loaded = Model.Load(Path.Combine(folder, "model.keras"));
            Assert.Single(loaded.Layers.OfType<RandomCrop>());
            Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>ONNX export writes RandomCrop's inference, smart_resize: the window's Slice and a bilinear Resize.</summary>
    [Theory]
    [InlineData(10, 10, 4, 6)]
    [InlineData(6, 8, 6, 8)]
    [InlineData(5, 6, 6, 3)]
    public void OnnxExportWritesTheInferenceCropAndMatchesOnnxRuntime(int height, int width, int cropHeight, int cropWidth)
    {
        Utils.SetRandomSeed(14);
        var model = new Sequential(new RandomCrop(cropHeight, cropWidth, seed: 1, inputShape: [height, width, 2]),
            new CenterCrop(cropHeight + 1, cropWidth), new Conv2D(2, 1));
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }
}
