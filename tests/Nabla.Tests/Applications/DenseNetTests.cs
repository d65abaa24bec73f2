using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>
/// DenseNet121/169/201 built as keras.applications builds them (keras/src/applications/densenet.py): Keras's parameter
/// counts, layer names, shapes, argument checks and weights round trips.
/// </summary>
public class DenseNetTests
{
    private static Tensor Images(int seed, int batch, int size) => GradientCheck.Random(seed, -1, 1, batch, size, size, 3);

    private static int Count(IReadOnlyList<Tensor> weights) => weights.Sum(w => w.Size);

    // Keras's own numbers, from public tf.keras model.summary() printouts of keras.applications (find_string
    // "Total params: 8,062,504"): one script printing every application's summary, with the top, gives the totals and
    // trainable / non-trainable splits of all three DenseNets; a second printout repeats DenseNet121's with
    // len(model.weights) 606 and len(model.trainable_weights) 364. DenseNet121 without the top is a notebook's
    // DenseNet121(include_top=False) summary ending at "relu (Activation)".
    [Theory]
    // Keras: DenseNet121 "Total params: 8,062,504 / Trainable params: 7,978,856 / Non-trainable params: 83,648"
    [InlineData(121, 8_062_504, 7_978_856, 83_648)]
    // Keras: DenseNet169 "Total params: 14,307,880 / Trainable params: 14,149,480 / Non-trainable params: 158,400"
    [InlineData(169, 14_307_880, 14_149_480, 158_400)]
    // Keras: DenseNet201 "Total params: 20,242,984 / Trainable params: 20,013,928 / Non-trainable params: 229,056"
    [InlineData(201, 20_242_984, 20_013_928, 229_056)]
    public void TheParameterCountsAreKerassOwn(int depth, int total, int trainable, int nonTrainable)
    {
        Utils.SetRandomSeed(1);
        var model = Build(depth, includeTop: true);
        Assert.Equal(total, model.CountParams());
        Assert.Equal(trainable, Count(model.TrainableWeights));
        Assert.Equal(nonTrainable, Count(model.NonTrainableWeights));
        Assert.Equal($"densenet{depth}", model.Name);
        if (depth == 121)
        {
            // Keras: len(model.weights) 606, len(model.trainable_weights) 364 (the same two outputs)
            Assert.Equal(606, model.Weights.Count);
            Assert.Equal(364, model.TrainableWeights.Count);
        }
    }

    [Fact]
    public void WithoutTheTopDenseNet121HasKerassCount()
    {
        Utils.SetRandomSeed(2);
        var model = Nabla.Applications.DenseNet121(includeTop: false, weights: null);
        // Keras: DenseNet121(include_top=False) "Total params: 7,037,504 / Trainable params: 6,953,856 / Non-trainable params: 83,648"
        Assert.Equal(7_037_504, model.CountParams());
        Assert.Equal(6_953_856, Count(model.TrainableWeights));
        Assert.Equal(83_648, Count(model.NonTrainableWeights));
        Assert.Equal([-1, -1, 1024], model.Outputs[0].Shape);
        // Keras's open (None, None, 3) input: any size from 32 up runs through the same weights.
        Assert.Equal([1, 1, 1, 1024], model.Predict(Images(6, 1, 32)).Shape);
        Assert.Equal([1, 2, 2, 1024], model.Predict(Images(7, 1, 64)).Shape);
    }

    [Fact]
    public void TheLayersCarryKerassNames()
    {
        Utils.SetRandomSeed(3);
        var names = Nabla.Applications.DenseNet121(weights: null).Layers.Select(l => l.Name).ToList();
        Assert.StartsWith("zero_padding2d", names[1]);
        Assert.Equal(["conv1_conv", "conv1_bn", "conv1_relu"], names[2..5]);
        Assert.StartsWith("zero_padding2d", names[5]);
        Assert.Equal(["pool1", "conv2_block1_0_bn", "conv2_block1_0_relu", "conv2_block1_1_conv", "conv2_block1_1_bn",
            "conv2_block1_1_relu", "conv2_block1_2_conv", "conv2_block1_concat"], names[6..14]);
        Assert.Contains("pool2_conv", names);
        Assert.Contains("pool4_pool", names);
        Assert.DoesNotContain("pool5_bn", names);
        Assert.Equal(["conv5_block16_2_conv", "conv5_block16_concat", "bn", "relu", "avg_pool", "predictions"], names[^6..]);
    }

    [Fact]
    public void AtKerassMinimumSizeTheFeaturesAreOneByOne()
    {
        Utils.SetRandomSeed(4);
        var model = Nabla.Applications.DenseNet121(includeTop: false, weights: null, inputShape: [32, 32, 3]);
        Assert.Equal([2, 1, 1, 1024], model.Predict(Images(1, 2, 32)).Shape);
        var average = Nabla.Applications.DenseNet121(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "avg");
        Assert.Equal([2, 1024], average.Predict(Images(1, 2, 32)).Shape);
        Assert.Equal("avg_pool", average.Layers[^1].Name);
        var max = Nabla.Applications.DenseNet121(includeTop: false, weights: null, inputShape: [48, 48, 3], pooling: "max");
        Assert.Equal([1, 1024], max.Predict(Images(2, 1, 48)).Shape);
        Assert.Equal("max_pool", max.Layers[^1].Name);
    }

    [Fact]
    public void WithTheTopAndTenClassesEachRowIsADistribution()
    {
        Utils.SetRandomSeed(5);
        var model = Nabla.Applications.DenseNet121(weights: null, inputShape: [32, 32, 3], classes: 10);
        var probabilities = model.Predict(Images(3, 2, 32));
        Assert.Equal([2, 10], probabilities.Shape);
        for (int row = 0; row < 2; row++)
            Assert.Equal(1.0, probabilities.ToArray().Skip(10 * row).Take(10).Sum(p => (double)p), 4);
    }

    [Fact]
    public void KerassArgumentChecksAreKept()
    {
        var classes = Assert.Throws<ArgumentException>(() => Nabla.Applications.DenseNet169(classes: 10));
        Assert.Equal("classes", classes.ParamName);
        var small = Assert.Throws<ArgumentException>(() => Nabla.Applications.DenseNet201(includeTop: false, weights: null, inputShape: [31, 64, 3]));
        Assert.Equal("inputShape", small.ParamName);
        Assert.Contains("32x32", small.Message);
        var pooling = Assert.Throws<ArgumentException>(() => Nabla.Applications.DenseNet121(includeTop: false, weights: null, pooling: "sum"));
        Assert.Equal("pooling", pooling.ParamName);
        var topShape = Assert.Throws<ArgumentException>(() => Nabla.Applications.DenseNet121(inputShape: [32, 32, 3]));
        Assert.Equal("inputShape", topShape.ParamName);
    }

    [Fact]
    public void SavedWeightsLoadThroughTheWeightsArgument()
    {
        Utils.SetRandomSeed(6);
        string path = Path.Combine(Path.GetTempPath(), $"densenet121-{Guid.NewGuid():N}.weights.h5");
        try
        {
            var first = Nabla.Applications.DenseNet121(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "avg");
            first.SaveWeights(path);
            Utils.SetRandomSeed(7);
            var second = Nabla.Applications.DenseNet121(includeTop: false, weights: path, inputShape: [32, 32, 3], pooling: "avg");
            var images = Images(4, 2, 32);
            Assert.Equal(first.Predict(images).ToArray(), second.Predict(images).ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AKerasFileRoundTripPredictsTheSame()
    {
        Utils.SetRandomSeed(8);
        string path = Path.Combine(Path.GetTempPath(), $"densenet121-{Guid.NewGuid():N}.keras");
        try
        {
            var model = Nabla.Applications.DenseNet121(weights: null, inputShape: [32, 32, 3], classes: 5, name: "small_densenet");
            model.Save(path);
            var loaded = Model.Load(path);
            var images = Images(5, 2, 32);
            Assert.Equal("small_densenet", loaded.Name);
            Assert.Equal(model.Predict(images).ToArray(), loaded.Predict(images).ToArray());
        }
        finally { File.Delete(path); }
    }

    private static Model Build(int depth, bool includeTop) => depth switch
    {
        121 => Nabla.Applications.DenseNet121(includeTop, weights: null),
        169 => Nabla.Applications.DenseNet169(includeTop, weights: null),
        _ => Nabla.Applications.DenseNet201(includeTop, weights: null),
    };
}

/// <summary>DenseNet's <c>weights: "imagenet"</c> reads only Keras's cache: with KERAS_HOME at an empty folder it refuses,
/// naming Keras's file and where Keras fetches it.</summary>
[Collection(KerasHomeCollection.Name)]
public class DenseNetImageNetCacheTests
{
    [Fact]
    public void ImageNetWeightsComeOnlyFromKerassCache() =>
        KerasHomeCollection.With(Path.Combine(Path.GetTempPath(), $"nabla-keras-home-{Guid.NewGuid():N}"), () =>
        {
            var e = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.DenseNet121(includeTop: false));
            Assert.Contains("densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5", e.Message);
            Assert.Contains("https://storage.googleapis.com/tensorflow/keras-applications/densenet/densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5", e.Message);
            var top = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.DenseNet201());
            Assert.Contains("https://storage.googleapis.com/tensorflow/keras-applications/densenet/densenet201_weights_tf_dim_ordering_tf_kernels.h5", top.Message);
        });

    /// <summary>A Keras 2 weights file under Keras's cached name is what "imagenet" loads (written here from this build's
    /// layers, so this checks the path and the reading, not Keras's own file).</summary>
    [Fact]
    public void ImageNetWeightsLoadFromKerassCachedFile()
    {
        using var home = new TempFolder();
        Directory.CreateDirectory(home.File("models"));
        KerasHomeCollection.With(home.Path, () =>
        {
            Utils.SetRandomSeed(9);
            Model Build(string? weights) => Nabla.Applications.DenseNet121(includeTop: false, weights: weights, inputShape: [32, 32, 3], pooling: "avg");
            var source = Build(null);
            KerasHomeCollection.WriteStandIn(source, home.File(Path.Combine("models", "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5")));
            var x = GradientCheck.Random(9, -1, 1, 2, 32, 32, 3);
            var expected = source.Predict(x).ToArray();
            Assert.NotEqual(expected, Build(null).Predict(x).ToArray());
            Assert.Equal(expected, Build(Nabla.Applications.ImageNet).Predict(x).ToArray());
        });
    }
}
