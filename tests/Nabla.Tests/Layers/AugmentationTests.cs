using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras's random image layers (keras/src/layers/preprocessing/image_preprocessing): the identity in inference; in
/// training, Keras's maps (a quarter turn, whole-pixel shifts, mirrors) checked pixel by pixel, TensorFlow's fill modes,
/// finite differences, configs with Keras's defaults, and a model that trains with them.
/// </summary>
public class AugmentationTests
{
    private static Tensor Images(int seed, int batch, int height, int width, int channels = 1) =>
        GradientCheck.Random(seed, 0, 1, batch, height, width, channels);

    private static float At(Tensor images, int b, int y, int x, int c = 0) =>
        images.Data[((b * images.Shape[1] + y) * images.Shape[2] + x) * images.Shape[3] + c];

    public static TheoryData<string> Layers() => new() { "flip", "rotation", "zoom", "translation", "contrast", "brightness" };

    private static Layer Make(string kind, int? seed = 1) => kind switch
    {
        "flip" => new RandomFlip(seed: seed),
        "rotation" => new RandomRotation(0.2, seed: seed),
        "zoom" => new RandomZoom(0.3, seed: seed),
        "translation" => new RandomTranslation(0.2, 0.2, seed: seed),
        "contrast" => new RandomContrast(0.4, seed: seed),
        _ => new RandomBrightness(0.2, seed: seed),
    };

    [Theory, MemberData(nameof(Layers))]
    public void InInferenceEveryLayerIsTheIdentityAndInTrainingASeedRepeatsItsDraws(string kind)
    {
        var x = Images(1, 3, 6, 5, 2);
        var layer = Make(kind);
        Assert.Same(x, layer.Call(x, training: false));
        var once = layer.Call(x, training: true);
        Assert.NotEqual(x.Data, once.Data);
        Assert.Equal(once.Data, Make(kind).Call(x, training: true).Data);
    }

    [Fact]
    public void AQuarterTurnReadsEachPixelWhereKerasPutsIt()
    {
        // factor (0.25, 0.25): a quarter turn counter-clockwise; Keras's map sends output (x, y) to input (n − 1 − y, x).
        var x = Images(2, 2, 5, 5, 3);
        var turned = new RandomRotation((0.25, 0.25)).Call(x, training: true);
        for (int b = 0; b < 2; b++)
            for (int y = 0; y < 5; y++)
                for (int col = 0; col < 5; col++)
                    for (int c = 0; c < 3; c++)
                        Assert.Equal(At(x, b, col, 4 - y, c), At(turned, b, y, col, c), 1e-5f);
    }

    [Fact]
    public void AFlipMirrorsWholeImagesAndEachOneIsDrawnApart()
    {
        var x = Images(3, 64, 3, 4);
        var flipped = new RandomFlip("horizontal", seed: 5).Call(x, training: true);
        int mirrored = 0;
        for (int b = 0; b < 64; b++)
        {
            bool same = true, mirror = true;
            for (int y = 0; y < 3; y++)
                for (int col = 0; col < 4; col++)
                {
                    same &= At(flipped, b, y, col) == At(x, b, y, col);
                    mirror &= At(flipped, b, y, col) == At(x, b, y, 3 - col);
                }
            Assert.True(same || mirror, $"sample {b} is neither itself nor its mirror");
            if (mirror) mirrored++;
        }
        Assert.InRange(mirrored, 16, 48); // each with probability 1/2
        var vertical = new RandomFlip("vertical", seed: 6).Call(x, training: true);
        for (int b = 0; b < 64; b++)
            Assert.True(At(vertical, b, 0, 1) == At(x, b, 0, 1) || At(vertical, b, 0, 1) == At(x, b, 2, 1));
    }

    /// <summary>A shift right by two pixels on one row a b c d, under each of TensorFlow's fill modes.</summary>
    [Theory]
    [InlineData("reflect", new[] { 2f, 1f, 1f, 2f })]
    [InlineData("wrap", new[] { 3f, 4f, 1f, 2f })]
    [InlineData("nearest", new[] { 1f, 1f, 1f, 2f })]
    [InlineData("constant", new[] { 9f, 9f, 1f, 2f })]
    public void AShiftFillsTheUncoveredPixelsAsTensorFlowsFillModes(string fillMode, float[] expected)
    {
        var row = Tensor.FromArray([1, 2, 3, 4], 1, 1, 4, 1);
        var shifted = new RandomTranslation((0, 0), (0.5, 0.5), fillMode, fillValue: 9).Call(row, training: true);
        Assert.Equal(expected, shifted.Data);
    }

    [Fact]
    public void AZoomOutOfTwoReadsEveryOtherPixelAboutTheCentre()
    {
        // height_factor (1, 1): zoom 2, so output (x, y) reads (2x − (n − 1)/2·1, …): on 5 pixels, x = 1 reads 0, x = 2 reads 2.
        var x = Images(4, 1, 5, 5);
        var zoomed = new RandomZoom((1, 1), fillMode: "constant").Call(x, training: true);
        Assert.Equal(At(x, 0, 0, 0), At(zoomed, 0, 1, 1), 1e-6f);
        Assert.Equal(At(x, 0, 2, 2), At(zoomed, 0, 2, 2), 1e-6f);
        Assert.Equal(At(x, 0, 4, 2), At(zoomed, 0, 3, 2), 1e-6f);
        Assert.Equal(0f, At(zoomed, 0, 0, 2));
    }

    [Fact]
    public void ContrastScalesDeviationsFromEachChannelsMeanAndClipsToTheValueRange()
    {
        var x = Tensor.FromArray([10, 200, 20, 100, 30, 150, 40, 250], 1, 2, 2, 2);
        var stretched = new RandomContrast((0.0, 1.0), seed: 3).Call(x, training: true); // a factor f drawn in [1, 2]
        // Channel 0 has mean 25: pixel 20 → 25 − 5f gives f, and every pixel follows (x − 25)·f + 25 clipped to [0, 255].
        float f = (25 - stretched.Data[2]) / 5;
        Assert.InRange(f, 1f, 2f);
        float[] means = [25, 175];
        for (int i = 0; i < 8; i++)
            Assert.Equal(Math.Clamp((x.Data[i] - means[i % 2]) * f + means[i % 2], 0, 255), stretched.Data[i], 1e-3f);
        Assert.Equal(255f, stretched.Data[7]); // 250 leaves the range at any f > 1.0625
        Assert.Throws<ArgumentException>(() => new RandomContrast(1.5));
    }

    [Fact]
    public void BrightnessShiftsEachImageByOneDrawOfItsRangeAndClips()
    {
        var x = GradientCheck.Random(12, 0, 255, 4, 3, 3, 2);
        var shifted = new RandomBrightness((0.1, 0.3), seed: 2).Call(x, training: true);
        for (int b = 0; b < 4; b++)
        {
            // One shift per image, between 0.1 and 0.3 of the range's width 255, read where nothing was clipped.
            int unclipped = Enumerable.Range(b * 18, 18).First(i => shifted.Data[i] < 255);
            float shift = shifted.Data[unclipped] - x.Data[unclipped];
            Assert.InRange(shift, 25.5f - 1e-3f, 76.5f + 1e-3f);
            for (int i = b * 18; i < (b + 1) * 18; i++) Assert.Equal(Math.Min(x.Data[i] + shift, 255f), shifted.Data[i], 1e-3f);
        }
        Assert.Throws<ArgumentException>(() => new RandomBrightness((-1.5, 0.5)));
    }

    [Fact]
    public void TheWarpAndTheContrastMatchFiniteDifferences()
    {
        var x = Images(5, 2, 4, 5, 2);
        foreach (var fill in new[] { WarpFill.Reflect, WarpFill.Constant, WarpFill.Wrap })
            GradientCheck.Check(t => Op.Record(new ImageWarpOp(t[0], new RandomRotation(0.3), new RandomGenerator(7), fill, bilinear: true, 0.5f)),
                [x], h: 1e-3);
        var wide = GradientCheck.Random(6, 0, 1, 2, 3, 3, 2);
        GradientCheck.Check(t => Op.Record(new RandomContrastOp(t[0], 0.5f, 1.5f, -10f, 10f, new RandomGenerator(8))), [wide], h: 1e-3);
        GradientCheck.Check(t => Op.Record(new RandomContrastOp(t[0], 3f, 3f, 0.1f, 0.9f, new RandomGenerator(9))), [wide], h: 1e-3);
        GradientCheck.Check(t => Op.Record(new RandomBrightnessOp(t[0], -0.4f, 0.4f, 0.2f, 0.8f, new RandomGenerator(10))), [wide], h: 1e-3);
    }

    [Fact]
    public void KerasConfigsLoadWithKerasDefaultsAndRoundTrip()
    {
        // Defaults from keras/src/layers/preprocessing/image_preprocessing/random_*.py: fill_mode "reflect", interpolation
        // "bilinear", fill_value 0, flip mode "horizontal_and_vertical", zoom width_factor None, contrast value_range (0, 255).
        var rotation = (RandomRotation)Layer.Deserialize(Config.Parse("""{"class_name": "RandomRotation", "config": {"name": "r", "factor": 0.1}}"""));
        Assert.Equal((-0.1, 0.1), rotation.Factor);
        Assert.Equal(("reflect", "bilinear", 0.0), (rotation.FillMode, rotation.Interpolation, rotation.FillValue));
        var flip = (RandomFlip)Layer.Deserialize(Config.Parse("""{"class_name": "RandomFlip", "config": {"name": "f"}}"""));
        Assert.Equal("horizontal_and_vertical", flip.Mode);
        var first = Layer.Deserialize(Config.Parse("""{"class_name": "RandomFlip", "config": {"name": "g", "mode": "horizontal", "batch_input_shape": [null, 8, 8, 3]}}"""));
        Assert.Equal([8, 8, 3], first.DeclaredInputShape!); // keras.io's first layer of a Sequential image classifier
        var zoom = (RandomZoom)Layer.Deserialize(Config.Parse("""{"class_name": "RandomZoom", "config": {"name": "z", "height_factor": [-0.2, 0.3], "width_factor": null}}"""));
        Assert.Equal(((-0.2, 0.3), null), (zoom.HeightFactor, zoom.WidthFactor));
        var contrast = (RandomContrast)Layer.Deserialize(Config.Parse("""{"class_name": "RandomContrast", "config": {"name": "c", "factor": 0.2, "seed": 3}}"""));
        Assert.Equal(((0.2, 0.2), (0.0, 255.0), (int?)3), (contrast.Factor, contrast.ValueRange, contrast.Seed));
        var brightness = (RandomBrightness)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomBrightness", "config": {"name": "b", "factor": 0.2, "value_range": [0.0, 1.0]}}"""));
        Assert.Equal(((-0.2, 0.2), (0.0, 1.0)), (brightness.Factor, brightness.ValueRange));
        foreach (var layer in new Layer[] { rotation, flip, zoom, contrast, brightness, new RandomTranslation((-0.1, 0.2), (0.0, 0.1), "constant", "nearest", 4, 1.5) })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
        var bad = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomRotation", "config": {"name": "r", "factor": 0.1, "fill_mode": "mirror"}}""")));
        Assert.Contains("'fill_mode' must be one of reflect, wrap, constant, nearest; found 'mirror'", bad.Message);
    }

    [Fact]
    public void AnAugmentedConvNetTrainsAndPredictsAsItsUnaugmentedTwin()
    {
        Utils.SetRandomSeed(10);
        var input = new Input([8, 8, 1]);
        var augmented = new RandomContrast(0.1).Apply(new RandomRotation(0.05).Apply(new RandomFlip("horizontal").Apply(input)));
        var conv = new Conv2D(4, 3, activation: "relu");
        var head = new Dense(2, activation: "softmax");
        var model = new Model(input, head.Apply(new GlobalAveragePooling2D().Apply(conv.Apply(augmented))));
        var plain = new Model(input, head.Apply(new GlobalAveragePooling2D().Apply(conv.Apply(input))));
        model.Compile("adam", "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var x = Images(11, 96, 8, 8);
        var y = new Tensor(96);
        for (int b = 0; b < 96; b++)
        {
            y.Data[b] = b % 2;
            if (b % 2 == 1) for (int i = 0; i < 64; i++) x.Data[b * 64 + i] *= 3;
        }
        var history = model.Fit(x, y, epochs: 15, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss {history["loss"][0]:F3} -> {history["loss"][^1]:F3}");
        Assert.Equal(plain.Predict(x).Data, model.Predict(x).Data);
    }

    /// <summary>keras.io's "Image classification from scratch" model, shrunk: a nested Sequential of augmentation layers,
    /// Rescaling, convolutions with batch normalization, a separable-convolution residual block, global pooling, dropout
    /// and a sigmoid head. It trains, and its Keras config and .keras file bring back the same predictions.</summary>
    [Fact]
    public void KerasImageClassifierFromScratchTrainsSavesAndReloads()
    {
        Utils.SetRandomSeed(20);
        var augmentation = new Sequential([new RandomFlip("horizontal"), new RandomRotation(0.1)], "data_augmentation");
        var inputs = new Input([12, 12, 3]);
        var x = new Rescaling(1.0 / 255).Apply(augmentation.Apply(inputs));
        x = new Activation("relu").Apply(new BatchNormalization().Apply(new Conv2D(8, 3, strides: 2, padding: "same").Apply(x)));
        var previous = x;
        x = new BatchNormalization().Apply(new SeparableConv2D(16, 3, padding: "same").Apply(new Activation("relu").Apply(x)));
        x = new MaxPooling2D(3, strides: 2, padding: "same").Apply(x);
        var residual = new Conv2D(16, 1, strides: 2, padding: "same").Apply(previous);
        x = new Add().Apply(x, residual);
        x = new Dropout(0.25).Apply(new GlobalAveragePooling2D().Apply(x));
        var model = new Model(inputs, new Dense(1, activation: "sigmoid").Apply(x), name: "from_scratch");
        model.Compile("adam", "binary_crossentropy", metrics: ["accuracy"]);

        var images = Images(21, 64, 12, 12, 3);
        var labels = new Tensor(64, 1);
        for (int b = 0; b < 64; b++)
        {
            labels.Data[b] = b % 2;
            for (int i = 0; i < 12 * 12 * 3; i++) images.Data[b * 432 + i] = 255 * images.Data[b * 432 + i] * (b % 2 == 1 ? 1f : 0.4f);
        }
        var history = model.Fit(images, labels, epochs: 8, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss {history["loss"][0]:F3} -> {history["loss"][^1]:F3}");

        var rebuilt = Nabla.Serialization.KerasModelJson.FromJson(Nabla.Serialization.KerasModelJson.ToJson(model));
        rebuilt.SetWeights(model.GetWeights());
        Assert.Equal(model.Predict(images).Data, rebuilt.Predict(images).Data);
        string folder = Directory.CreateTempSubdirectory("nabla-from-scratch-").FullName;
        try
        {
            model.Save(Path.Combine(folder, "model.keras"));
            Assert.Equal(model.Predict(images).Data, Model.Load(Path.Combine(folder, "model.keras")).Predict(images).Data);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
