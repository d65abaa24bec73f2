using Nabla.Layers;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>Keras's keras.applications.EfficientNetB0 … B7 (keras/src/applications/efficientnet.py), built with weights null.</summary>
public class EfficientNetTests
{
    private static readonly Func<bool, string?, int[]?, string?, int, string?, Model>[] Builders =
    [
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB0(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB1(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB2(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB3(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB4(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB5(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB6(top, w, null, shape, pool, classes, act),
        (top, w, shape, pool, classes, act) => Nabla.Applications.EfficientNetB7(top, w, null, shape, pool, classes, act),
    ];

    internal static Model B0(bool includeTop = false, int[]? inputShape = null, string? pooling = null, int classes = 1000) =>
        Nabla.Applications.EfficientNetB0(includeTop, weights: null, inputShape: inputShape ?? [32, 32, 3], pooling: pooling, classes: classes);

    internal static Tensor Pixels(int seed, int batch = 2, int size = 32) => GradientCheck.Random(seed, 0, 255, batch, size, size, 3);

    /// <summary>Writes a Normalization layer's mean and variance, as loading a weights file does.</summary>
    internal static void SetStatistics(Layer normalization, float[] mean, float[] variance)
    {
        mean.CopyTo(normalization.Weights[0].Data, 0);
        variance.CopyTo(normalization.Weights[1].Data, 0);
        normalization.OnWeightsChanged();
    }

    // Keras's own totals with the classifier, the "Parameters" column of keras.io's applications table
    // (keras-team/keras-io, templates/api/applications/index.md); the B0, B1 and B7 totals are also printed by tf.keras 2
    // model.summary() outputs found in public notebooks, whose splits the next test checks. The Normalization layer's mean,
    // variance and count (3 + 3 + 1 = 7) are included in these totals (the summaries list "normalization (Normalization) 7").
    [Theory]
    [InlineData(0, 5_330_571)]
    [InlineData(1, 7_856_239)]
    [InlineData(2, 9_177_569)]
    [InlineData(3, 12_320_535)]
    [InlineData(4, 19_466_823)]
    [InlineData(5, 30_562_527)]
    [InlineData(6, 43_265_143)]
    [InlineData(7, 66_658_687)]
    public void ParameterCountsMatchKeras(int variant, int total)
    {
        Utils.SetRandomSeed(variant);
        var model = Builders[variant](true, null, null, null, 1000, "softmax");
        Assert.Equal($"efficientnetb{variant}", model.Name);
        Assert.Equal(total, model.CountParams());
    }

    // Trainable / non-trainable splits and weight-variable counts printed by tf.keras 2's model.summary() and
    // len(model.weights) / len(model.trainable_weights) for EfficientNetB0/B1/B7 with the classifier (public notebook
    // outputs: "Trainable params: 5,288,548 Non-trainable params: 42,023", 314 and 213 for B0; 7,794,184 / 62,055, 442 / 301
    // for B1; 66,347,960 / 310,727, 1040 / 711 for B7). The non-trainable ones are the batch normalizations' moving statistics
    // and the Normalization layer's 7 values.
    [Theory]
    [InlineData(0, 5_288_548, 42_023, 314, 213)]
    [InlineData(1, 7_794_184, 62_055, 442, 301)]
    [InlineData(7, 66_347_960, 310_727, 1040, 711)]
    public void TrainableSplitsMatchKeras(int variant, int trainable, int nonTrainable, int weights, int trainableWeights)
    {
        Utils.SetRandomSeed(variant);
        var model = Builders[variant](true, null, null, null, 1000, "softmax");
        Assert.Equal(trainable, model.TrainableWeights.Sum(w => w.Size));
        Assert.Equal(nonTrainable, model.NonTrainableWeights.Sum(w => w.Size));
        Assert.Equal(weights, model.Weights.Count);
        Assert.Equal(trainableWeights, model.TrainableWeights.Count);
    }

    [Fact]
    public void WithoutTheClassifierB0HasKerasCount()
    {
        // "Total params: 4,049,571 / Trainable params: 4,007,548 / Non-trainable params: 42,023" for
        // EfficientNetB0(include_top=False), printed by Keras 3's summary in a public thesis (and 4,049,571 by tf.keras 2 in
        // TensorFlow's transfer-learning course notebook): the same count in both versions.
        Utils.SetRandomSeed(1);
        var model = B0(inputShape: [-1, -1, 3]);
        Assert.Equal(4_049_571, model.CountParams());
        Assert.Equal(4_007_548, model.TrainableWeights.Sum(w => w.Size));
        Assert.Equal(42_023, model.NonTrainableWeights.Sum(w => w.Size));
    }

    [Fact]
    public void LayersCarryKerasNames()
    {
        Utils.SetRandomSeed(2);
        var model = Nabla.Applications.EfficientNetB0(weights: null);
        var names = model.Layers.Select(l => l.Name).ToList();
        Assert.IsType<InputLayer>(model.Layers[0]);
        Assert.IsType<Rescaling>(model.Layers[1]);
        Assert.IsType<Normalization>(model.Layers[2]);
        Assert.Equal(["stem_conv_pad", "stem_conv", "stem_bn", "stem_activation", "block1a_dwconv", "block1a_bn", "block1a_activation",
            "block1a_se_squeeze", "block1a_se_reshape", "block1a_se_reduce", "block1a_se_expand", "block1a_se_excite",
            "block1a_project_conv", "block1a_project_bn", "block2a_expand_conv", "block2a_expand_bn", "block2a_expand_activation",
            "block2a_dwconv_pad", "block2a_dwconv"], names.Skip(3).Take(19));
        Assert.Equal(["block7a_project_conv", "block7a_project_bn", "top_conv", "top_bn", "top_activation", "avg_pool", "top_dropout",
            "predictions"], names.TakeLast(8));
        // block2b is a repeat: drop-connect then the identity skip (Keras's block2b_drop, block2b_add).
        int drop = names.IndexOf("block2b_drop");
        Assert.Equal("block2b_add", names[drop + 1]);
        var dropout = Assert.IsType<Dropout>(model.Layers[drop]);
        Assert.Equal([null, 1, 1, 1], dropout.NoiseShape!);
        Assert.Equal(0.2 * 2 / 16, dropout.Rate, 12); // drop_connect_rate · block index / blocks: block2b is B0's third of 16
        Assert.DoesNotContain("block1a_add", names); // 32 → 16 filters: no skip
        Assert.Contains("block7a_se_excite", names);
        Assert.DoesNotContain(names, n => n.StartsWith("block8"));
        // Counted from efficientnet.py: input, Rescaling, Normalization, 4 stem layers, 227 block layers, 3 top layers,
        // and avg_pool, top_dropout, predictions; Keras adds one more Rescaling when it loads the ImageNet weights.
        Assert.Equal(240, model.Layers.Count);
    }

    [Fact]
    public void DeeperVariantsRepeatBlocksAsKerasRoundsThem()
    {
        Utils.SetRandomSeed(3);
        var names = Nabla.Applications.EfficientNetB7(includeTop: false, weights: null).Layers.Select(l => l.Name).ToList();
        // B7's depth 3.1: ceil(3.1·4) = 13 blocks in stage 6 (a…m), ceil(3.1·1) = 4 in stage 7 (a…d); width 2.0: 64 stem filters.
        Assert.Contains("block6m_add", names);
        Assert.DoesNotContain("block6n_project_conv", names);
        Assert.Contains("block7d_add", names);
        Assert.Equal(64, Nabla.Applications.RoundFilters(32, 2.0));
        Assert.Equal(2560, Nabla.Applications.RoundFilters(1280, 2.0));
        Assert.Equal(24, Nabla.Applications.RoundFilters(24, 1.1));  // 26.4 → 24, within 10%
        Assert.Equal(32, Nabla.Applications.RoundFilters(32, 1.1));  // 35.2 → 32
        Assert.Equal(48, Nabla.Applications.RoundFilters(40, 1.2));  // 48
    }

    [Fact]
    public void WeightsStartFromKerasInitializers()
    {
        Utils.SetRandomSeed(12);
        var model = B0(includeTop: true, classes: 10);
        static void IsScaling(Nabla.Initializers.Initializer initializer, double scale, string distribution)
        {
            var v = Assert.IsType<Nabla.Initializers.VarianceScaling>(initializer);
            Assert.Equal((scale, "fan_out", distribution), (v.Scale, v.Mode, v.Distribution));
        }
        // CONV_KERNEL_INITIALIZER on every convolution, depthwise ones included; DENSE_KERNEL_INITIALIZER on the classifier.
        foreach (var conv in model.Layers.OfType<Conv2D>()) IsScaling(conv.KernelInitializer, 2.0, "truncated_normal");
        foreach (var conv in model.Layers.OfType<DepthwiseConv2D>()) IsScaling(conv.DepthwiseInitializer, 2.0, "truncated_normal");
        var predictions = (Dense)model.GetLayer("predictions");
        IsScaling(predictions.KernelInitializer, 1.0 / 3, "uniform");
        // Uniform within ±sqrt(3 · (1/3) / fan_out), fan_out = 10 units.
        Assert.All(predictions.Weights[0].Data, w => Assert.InRange(Math.Abs(w), 0, Math.Sqrt(0.1) + 1e-6));
        // stem_conv: a normal cut at two of its deviations, widened so the cut keeps sqrt(2 / (3·3·32)), about 0.083.
        var stem = model.GetLayer("stem_conv").Weights[0].Data;
        Assert.All(stem, w => Assert.InRange(Math.Abs(w), 0, 2 * Math.Sqrt(2.0 / 288) / 0.87962566103423978 + 1e-6));
        Assert.InRange(Math.Sqrt(stem.Average(w => (double)w * w)), 0.06, 0.1);
    }

    [Fact]
    public void FeatureMapsAndPoolingHaveKerasShapes()
    {
        Utils.SetRandomSeed(4);
        var x = Pixels(1);
        Assert.Equal([2, 1, 1, 1280], B0().Predict(x).Shape);
        Assert.Equal([2, 1280], B0(pooling: "avg").Predict(x).Shape);
        Assert.Equal([2, 1280], B0(pooling: "max").Predict(x).Shape);
        var open = B0(inputShape: [-1, -1, 3]);
        Assert.Equal([1, 2, 2, 1280], open.Predict(Pixels(2, batch: 1, size: 64)).Shape);
        // correct_pad: an even (or unknown) size pads one row and column after only, an odd one on both sides.
        Assert.Equal(new Padding2D(0, 1, 0, 1), ((ZeroPadding2D)open.GetLayer("stem_conv_pad")).Padding);
        Assert.Equal(new Padding2D(1, 1, 1, 1), ((ZeroPadding2D)B0(inputShape: [33, 33, 3]).GetLayer("stem_conv_pad")).Padding);
    }

    [Fact]
    public void TheClassifierGivesProbabilities()
    {
        Utils.SetRandomSeed(5);
        var model = B0(includeTop: true, classes: 10);
        var p = model.Predict(Pixels(3));
        Assert.Equal([2, 10], p.Shape);
        for (int row = 0; row < 2; row++)
            Assert.Equal(1.0, p.Data.Skip(row * 10).Take(10).Sum(v => (double)v), 5);
    }

    [Fact]
    public void TheStemRescalesAndStandardizesAsKeras()
    {
        Utils.SetRandomSeed(6);
        var model = B0(inputShape: [-1, -1, 3]);
        var rescaling = (Rescaling)model.Layers[1];
        var normalization = (Normalization)model.Layers[2];
        Assert.Equal(1.0 / 255, Assert.Single(rescaling.Scale), 12);
        // Before weights are loaded the statistics are Keras's initial ones: mean 0, variance 1, count 0.
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f, 0f], normalization.Weights.SelectMany(w => w.Data));
        SetStatistics(normalization, [0.485f, 0.456f, 0.406f], [0.25f, 0.04f, 0.01f]);
        var x = Tensor.FromArray([255f, 0f, 127.5f], 1, 1, 1, 3);
        var y = normalization.Call(rescaling.Call(x, training: false), training: false).Data;
        // (x/255 − mean) / sqrt(variance), by hand.
        Assert.Equal((1 - 0.485) / 0.5, y[0], 5);
        Assert.Equal((0 - 0.456) / 0.2, y[1], 5);
        Assert.Equal((0.5 - 0.406) / 0.1, y[2], 5);
    }

    [Fact]
    public void KerasArgumentChecksNameTheArgument()
    {
        Utils.SetRandomSeed(8);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => Nabla.Applications.EfficientNetB0(weights: "no/such/file.h5")).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => Nabla.Applications.EfficientNetB1(classes: 10)).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() =>
            Nabla.Applications.EfficientNetB0(inputShape: [32, 32, 3])).ParamName); // imagenet with the top wants 224x224x3
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => B0(inputShape: [31, 32, 3])).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() =>
            Nabla.Applications.EfficientNetB0(includeTop: false, inputShape: [64, 64, 1])).ParamName); // imagenet: 3 channels
        Assert.Equal("inputShape", Assert.Throws<ArgumentException>(() => B0(includeTop: true, inputShape: [-1, -1, 3])).ParamName);
        Assert.Equal("pooling", Assert.Throws<ArgumentException>(() => B0(pooling: "sum")).ParamName);
        Assert.Equal("classifierActivation", Assert.Throws<ArgumentException>(() =>
            Nabla.Applications.EfficientNetB0(classifierActivation: "relu")).ParamName);
        // Without pretrained weights any classifier activation and class count goes, as in Keras.
        Assert.Equal([1, 3], Nabla.Applications.EfficientNetB0(weights: null, inputShape: [32, 32, 3], classes: 3,
            classifierActivation: "sigmoid").Predict(Pixels(9, batch: 1)).Shape);
    }

    [Fact]
    public void WeightsFileRoundTripGivesIdenticalPredictions()
    {
        using var folder = new TempFolder();
        Utils.SetRandomSeed(10);
        var model = B0(includeTop: true, classes: 5);
        string path = folder.File("b0.weights.h5");
        model.SaveWeights(path);
        Utils.SetRandomSeed(11);
        var again = Nabla.Applications.EfficientNetB0(weights: path, inputShape: [32, 32, 3], classes: 5);
        var x = Pixels(12);
        Assert.Equal(model.Predict(x).Data, again.Predict(x).Data);
    }

    [Fact]
    public void KerasFileRoundTripGivesIdenticalPredictions()
    {
        using var folder = new TempFolder();
        Utils.SetRandomSeed(13);
        var model = B0();
        string path = folder.File("b0.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal("efficientnetb0", loaded.Name);
        Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
        var x = Pixels(14);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }
}

/// <summary>EfficientNet's ImageNet weights from Keras's cache (KERAS_HOME is process-wide, so these run alone).</summary>
[Collection(KerasHomeCollection.Name)]
public class EfficientNetImageNetWeightsTests
{
    [Fact]
    public void ImageNetWeightsAddKerasSecondDivisionAndReadKerasCacheFile()
    {
        Utils.SetRandomSeed(7);
        using var folder = new TempFolder();
        KerasHomeCollection.With(folder.Path, () =>
        {
            var missing = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.EfficientNetB0(includeTop: false));
            Assert.Contains("efficientnetb0_notop.h5", missing.Message);
            Assert.Contains("https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5", missing.Message);
            var top = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.EfficientNetB3());
            Assert.Contains("https://storage.googleapis.com/keras-applications/efficientnetb3.h5", top.Message);

            // A stand-in for Keras's file, with the statistics the ImageNet file holds: the mean, and the deviations
            // stored as the variance.
            var source = EfficientNetTests.B0(inputShape: [-1, -1, 3]);
            EfficientNetTests.SetStatistics(source.Layers[2], [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
            Directory.CreateDirectory(Path.Combine(folder.Path, "models"));
            KerasHomeCollection.WriteStandIn(source, Path.Combine(folder.Path, "models", "efficientnetb0_notop.h5"));

            var model = Nabla.Applications.EfficientNetB0(includeTop: false);
            var second = Assert.IsType<Rescaling>(model.Layers[3]);
            Assert.Equal([1 / Math.Sqrt(0.229), 1 / Math.Sqrt(0.224), 1 / Math.Sqrt(0.225)], second.Scale);
            Assert.Equal("stem_conv_pad", model.Layers[4].Name);
            // The stem then gives (x/255 − mean) / std, the original EfficientNet's standardization.
            var x = Tensor.FromArray([255f, 0f, 127.5f], 1, 1, 1, 3);
            var y = second.Call(model.Layers[2].Call(model.Layers[1].Call(x, false), false), false).Data;
            Assert.Equal((1 - 0.485) / 0.229, y[0], 4);
            Assert.Equal((0 - 0.456) / 0.224, y[1], 4);
            Assert.Equal((0.5 - 0.406) / 0.225, y[2], 4);
            // The second division is the only difference from the source model.
            var pixels = EfficientNetTests.Pixels(8, batch: 1, size: 64);
            Assert.Equal([1, 2, 2, 1280], model.Predict(pixels).Shape);
            Assert.NotEqual(source.Predict(pixels).Data, model.Predict(pixels).Data);
            for (int i = 0; i < source.Weights.Count; i++) Assert.Equal(source.Weights[i].Data, model.Weights[i].Data);

            // Its statistics stay in Keras's variables: its weights file loads into the next EfficientNetB0, as in Keras.
            string weightsPath = folder.File("b0.weights.h5");
            model.SaveWeights(weightsPath);
            var again = Nabla.Applications.EfficientNetB0(includeTop: false, weights: weightsPath);
            Assert.Equal(model.Layers[2].Weights.SelectMany(w => w.Data), again.Layers[2].Weights.SelectMany(w => w.Data));
            Assert.IsType<ZeroPadding2D>(again.Layers[3]); // as in Keras, a weights path adds no second division
        });
    }
}
