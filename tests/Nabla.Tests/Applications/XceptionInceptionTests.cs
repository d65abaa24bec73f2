using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>
/// Xception and InceptionV3 built as keras.applications builds them (keras/src/applications/xception.py and
/// inception_v3.py). The parameter counts are Keras's own, from public tf.keras model.summary() printouts (find_string
/// "Total params: 22,910,480", "Total params: 21,802,784", ...): with the top, one script printing every application's
/// summary and a second one that also prints len(model.weights) and len(model.trainable_weights); without the top,
/// Xception's summary ending at block14_sepconv2_act followed by "len(model.layers) = 132", and InceptionV3's
/// include_top=False summary as printed in a book chapter and in a course script.
/// </summary>
public class XceptionInceptionTests
{
    private static Tensor Images(int seed, int batch, int size) => GradientCheck.Random(seed, -1, 1, batch, size, size, 3);

    private static int Count(IReadOnlyList<Tensor> weights) => weights.Sum(w => w.Size);

    [Fact]
    public void XceptionHasKerassParameterCounts()
    {
        Utils.SetRandomSeed(1);
        var model = Nabla.Applications.Xception(weights: null);
        // Keras: Xception "Total params: 22,910,480 / Trainable params: 22,855,952 / Non-trainable params: 54,528", 236 and 156 weights
        Assert.Equal(22_910_480, model.CountParams());
        Assert.Equal(22_855_952, Count(model.TrainableWeights));
        Assert.Equal(54_528, Count(model.NonTrainableWeights));
        Assert.Equal(236, model.Weights.Count);
        Assert.Equal(156, model.TrainableWeights.Count);
        Assert.Equal("xception", model.Name);
        var notop = Nabla.Applications.Xception(includeTop: false, weights: null);
        // Keras: Xception(include_top=False) "Total params: 20,861,480 / Trainable params: 20,806,952 / Non-trainable params: 54,528"
        Assert.Equal(20_861_480, notop.CountParams());
        Assert.Equal(20_806_952, Count(notop.TrainableWeights));
        Assert.Equal(132, notop.Layers.Count); // Keras: len(model.layers) = 132
    }

    [Fact]
    public void InceptionV3HasKerassParameterCounts()
    {
        Utils.SetRandomSeed(2);
        var model = Nabla.Applications.InceptionV3(weights: null);
        // Keras: InceptionV3 "Total params: 23,851,784 / Trainable params: 23,817,352 / Non-trainable params: 34,432", 378 and 190 weights
        Assert.Equal(23_851_784, model.CountParams());
        Assert.Equal(23_817_352, Count(model.TrainableWeights));
        Assert.Equal(34_432, Count(model.NonTrainableWeights));
        Assert.Equal(378, model.Weights.Count);
        Assert.Equal(190, model.TrainableWeights.Count);
        Assert.Equal("inception_v3", model.Name);
        var notop = Nabla.Applications.InceptionV3(includeTop: false, weights: null);
        // Keras: InceptionV3(include_top=False) "Total params: 21,802,784 / Trainable params: 21,768,352 / Non-trainable params: 34,432"
        Assert.Equal(21_802_784, notop.CountParams());
        Assert.Equal(21_768_352, Count(notop.TrainableWeights));
        Assert.Equal(34_432, Count(notop.NonTrainableWeights));
    }

    /// <summary>Keras 2's weights files (the ImageNet downloads among them) are read by order: the n-th layer with weights
    /// in the file goes to the n-th in <c>model.layers</c>, which Keras orders by graph depth, then by walk order. Xception
    /// and InceptionV3 have many auto-named layers side by side in parallel branches, where two same-shaped convolutions
    /// in the wrong order would swap weights silently. The windows below are the order public tf.keras summaries print
    /// (find_string "block13_sepconv2_bn (BatchNormal" and "conv2d_94 (Conv2D)": an Xception summary and two InceptionV3
    /// summaries whose counters start elsewhere), renamed to the counters of a fresh session.</summary>
    [Fact]
    public void AutoNamedLayersComeInKerassOrderWhichWeightsFilesAreReadIn()
    {
        Utils.SetRandomSeed(9);
        var xception = Nabla.Applications.Xception(includeTop: false, weights: null).Layers.Select(l => l.Name).ToList();
        // Printed: block13_sepconv2_bn, conv2d_4 (from add_11), block13_pool, batch_normalization_4, add_12.
        AssertWindow(xception, "block13_sepconv2", "block13_sepconv2_bn", "conv2d_3", "block13_pool", "batch_normalization_3", "add_11");
        var inception = Nabla.Applications.InceptionV3(includeTop: false, weights: null).Layers.Select(l => l.Name).ToList();
        // Printed: batch_normalization_89, activation_89, conv2d_90 (from mixed9), conv2d_94 (from activation_89),
        // batch_normalization_86 and _90: mixed10's first 1x1 convolutions before the BatchNormalizations that follow them.
        AssertWindow(inception, "batch_normalization_89", "activation_89", "conv2d_86", "conv2d_90", "batch_normalization_86", "batch_normalization_90");
        // Printed (Keras 2 counting from 1): batch_normalization_89, _92, _93, conv2d_94 (from average_pooling2d_9),
        // batch_normalization_86, activation_88: the pooled branch's convolution between two other branches' layers.
        AssertWindow(inception, "batch_normalization_88", "batch_normalization_91", "batch_normalization_92", "conv2d_93", "batch_normalization_85", "activation_87");
    }

    private static void AssertWindow(List<string> names, params string[] window)
    {
        var renamed = FromZero(names);
        int start = renamed.IndexOf(window[0]);
        Assert.True(start >= 0, $"no layer {window[0]}");
        Assert.Equal(window, renamed.Skip(start).Take(window.Length));
    }

    /// <summary>Auto names count on across the models a process builds, and other tests running meanwhile take numbers
    /// too; this renumbers each kind by rank within one model (0, 1, 2…), as a fresh session would count.</summary>
    private static List<string> FromZero(List<string> names)
    {
        string[] kinds = ["conv2d", "batch_normalization", "activation", "add", "average_pooling2d"];
        static int Counter(string name, string kind) =>
            name == kind ? 0 : name.StartsWith(kind + "_") && int.TryParse(name.AsSpan(kind.Length + 1), out int n) ? n : -1;
        var ranks = kinds.ToDictionary(k => k, k => names.Select(n => Counter(n, k)).Where(c => c >= 0).Distinct().Order()
            .Select((counter, rank) => (counter, rank)).ToDictionary(p => p.counter, p => p.rank));
        return names.Select(n =>
        {
            foreach (var kind in kinds)
                if (Counter(n, kind) is var c and >= 0)
                    return ranks[kind][c] == 0 ? kind : $"{kind}_{ranks[kind][c]}";
            return n;
        }).ToList();
    }

    [Fact]
    public void XceptionsLayersCarryKerassNames()
    {
        Utils.SetRandomSeed(3);
        var names = Nabla.Applications.Xception(weights: null).Layers.Select(l => l.Name).ToList();
        Assert.Equal(["block1_conv1", "block1_conv1_bn", "block1_conv1_act", "block1_conv2", "block1_conv2_bn", "block1_conv2_act"], names[1..7]);
        Assert.Contains("block2_sepconv2_act", names);
        Assert.DoesNotContain("block2_sepconv1_act", names); // Keras's block2 starts without a ReLU
        Assert.Contains("block12_sepconv3_bn", names);
        Assert.Equal(12, names.Count(n => n == "add" || n.StartsWith("add_", StringComparison.Ordinal)));
        Assert.Equal(["block14_sepconv1", "block14_sepconv1_bn", "block14_sepconv1_act", "block14_sepconv2", "block14_sepconv2_bn",
            "block14_sepconv2_act", "avg_pool", "predictions"], names[^8..]);
    }

    [Fact]
    public void InceptionV3sLayersCarryKerassNames()
    {
        Utils.SetRandomSeed(4);
        var model = Nabla.Applications.InceptionV3(weights: null);
        var names = model.Layers.Select(l => l.Name).ToList();
        Assert.Equal(["Conv2D", "BatchNormalization", "Activation"], model.Layers.Skip(1).Take(3).Select(l => l.ClassName));
        Assert.StartsWith("conv2d", names[1]);
        Assert.StartsWith("batch_normalization", names[2]);
        Assert.StartsWith("activation", names[3]);
        foreach (string mixed in Enumerable.Range(0, 11).Select(i => $"mixed{i}").Concat(["mixed9_0", "mixed9_1"]))
            Assert.Contains(mixed, names);
        Assert.Equal(["mixed10", "avg_pool", "predictions"], names[^3..]);
        Assert.Equal(94, model.Layers.Count(l => l.ClassName == "Conv2D"));
        Assert.All(model.Layers.OfType<Nabla.Layers.BatchNormalization>(), bn => Assert.False(bn.Scale));
    }

    [Fact]
    public void AtKerassMinimumSizesTheyRunWithEveryPooling()
    {
        Utils.SetRandomSeed(5);
        var xception = Nabla.Applications.Xception(includeTop: false, weights: null, inputShape: [71, 71, 3]);
        Assert.Equal([1, 3, 3, 2048], xception.Predict(Images(1, 1, 71)).Shape);
        var inception = Nabla.Applications.InceptionV3(includeTop: false, weights: null, inputShape: [75, 75, 3]);
        Assert.Equal([1, 1, 1, 2048], inception.Predict(Images(2, 1, 75)).Shape);
        Assert.Equal([2, 2048], Nabla.Applications.Xception(includeTop: false, weights: null, inputShape: [71, 71, 3], pooling: "avg").Predict(Images(3, 2, 71)).Shape);
        Assert.Equal([2, 2048], Nabla.Applications.InceptionV3(includeTop: false, weights: null, inputShape: [75, 75, 3], pooling: "max").Predict(Images(4, 2, 75)).Shape);
    }

    [Fact]
    public void WithTheTopAndTenClassesEachRowIsADistribution()
    {
        Utils.SetRandomSeed(6);
        foreach (var model in new[]
                 {
                     Nabla.Applications.Xception(weights: null, inputShape: [71, 71, 3], classes: 10),
                     Nabla.Applications.InceptionV3(weights: null, inputShape: [75, 75, 3], classes: 10),
                 })
        {
            int size = model.Name == "xception" ? 71 : 75;
            var probabilities = model.Predict(Images(5, 2, size)).ToArray();
            Assert.Equal(20, probabilities.Length);
            for (int row = 0; row < 2; row++) Assert.Equal(1.0, probabilities.Skip(10 * row).Take(10).Sum(p => (double)p), 4);
        }
    }

    [Fact]
    public void KerassArgumentChecksAreKept()
    {
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => Nabla.Applications.Xception(classes: 10)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => Nabla.Applications.InceptionV3(classes: 10)).ParamName);
        var xception = Assert.Throws<ArgumentException>(() => Nabla.Applications.Xception(includeTop: false, weights: null, inputShape: [70, 71, 3]));
        Assert.Equal("inputShape", xception.ParamName);
        Assert.Contains("71x71", xception.Message);
        var inception = Assert.Throws<ArgumentException>(() => Nabla.Applications.InceptionV3(includeTop: false, weights: null, inputShape: [75, 74, 3]));
        Assert.Equal("inputShape", inception.ParamName);
        Assert.Contains("75x75", inception.Message);
    }

    [Fact]
    public void XceptionSurvivesAKerasFileRoundTrip()
    {
        Utils.SetRandomSeed(7);
        string path = Path.Combine(Path.GetTempPath(), $"xception-{Guid.NewGuid():N}.keras");
        try
        {
            var model = Nabla.Applications.Xception(includeTop: false, weights: null, inputShape: [71, 71, 3], pooling: "avg", name: "small_xception");
            model.Save(path);
            var loaded = Model.Load(path);
            var images = Images(6, 1, 71);
            Assert.Equal("small_xception", loaded.Name);
            Assert.Equal(model.Predict(images).ToArray(), loaded.Predict(images).ToArray());
        }
        finally { File.Delete(path); }
    }
}

/// <summary>Xception's and InceptionV3's <c>weights: "imagenet"</c> read only Keras's cache, under Keras's file names.</summary>
[Collection(KerasHomeCollection.Name)]
public class XceptionInceptionImageNetCacheTests
{
    [Fact]
    public void ImageNetWeightsComeOnlyFromKerassCache() =>
        KerasHomeCollection.With(Path.Combine(Path.GetTempPath(), $"nabla-keras-home-{Guid.NewGuid():N}"), () =>
        {
            var x = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.Xception());
            Assert.Contains("https://storage.googleapis.com/tensorflow/keras-applications/xception/xception_weights_tf_dim_ordering_tf_kernels.h5", x.Message);
            var i = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.InceptionV3(includeTop: false));
            Assert.Contains("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", i.Message);
        });
}
