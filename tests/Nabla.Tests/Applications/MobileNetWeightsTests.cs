using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>
/// MobileNet and MobileNetV2 weights: a weights file given by path, Keras's cached ImageNet file read under the exact
/// name Keras gives it (mobilenet.py: "mobilenet_{2_5|5_0|7_5|1_0}_{rows}_tf[_no_top].h5"; mobilenet_v2.py:
/// "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}[_no_top].h5"), and the .keras archive.
/// Keras gives get_file no hash for either family's files, so the cached files here are read without a hash check.
/// </summary>
[Collection(KerasHomeCollection.Name)]
public class MobileNetWeightsTests
{
    private static T WithKerasHome<T>(string folder, Func<T> action)
    {
        T result = default!;
        KerasHomeCollection.With(folder, () => result = action());
        return result;
    }

    /// <remarks>MobileNet v1 (137 weights) rather than V2 (262): reading a ".weights.h5" file takes Nabla some 30 ms a
    /// weight (V2: about 9 s, v1: about 4 s), where a .keras archive of the same model loads in about a second.</remarks>
    [Fact]
    public void A_weights_file_given_by_path_gives_the_same_predictions()
    {
        Utils.SetRandomSeed(11);
        var source = Nabla.Applications.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, weights: null, classes: 7, classifierActivation: null);
        using var folder = new TempFolder();
        string path = folder.File("mobilenet.weights.h5");
        source.SaveWeights(path);
        Utils.SetRandomSeed(12);
        var fresh = Nabla.Applications.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, weights: null, classes: 7, classifierActivation: null);
        var loaded = Nabla.Applications.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, weights: path, classes: 7, classifierActivation: null);
        var x = GradientCheck.Random(11, -1, 1, 2, 32, 32, 3);
        Assert.Equal(source.Predict(x).Data, loaded.Predict(x).Data);
        Assert.NotEqual(source.Predict(x).Data, fresh.Predict(x).Data);
        for (int i = 0; i < source.Weights.Count; i++) Assert.Equal(source.Weights[i].Data, loaded.Weights[i].Data);
    }

    [Fact]
    public void Imagenet_reads_Keras_s_cached_file_by_its_exact_name()
    {
        Utils.SetRandomSeed(14);
        using var home = new TempFolder();
        Directory.CreateDirectory(Path.Combine(home.Path, "models"));
        var x = GradientCheck.Random(14, -1, 1, 2, 96, 96, 3);

        var v2 = Nabla.Applications.MobileNetV2(inputShape: [96, 96, 3], alpha: 0.35, includeTop: false, weights: null);
        KerasTwoWeightsFile.Write(v2, Path.Combine(home.Path, "models", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"));
        Utils.SetRandomSeed(15);
        var v2Loaded = WithKerasHome(home.Path, () => Nabla.Applications.MobileNetV2(inputShape: [96, 96, 3], alpha: 0.35, includeTop: false));
        Assert.Equal(v2.Predict(x).Data, v2Loaded.Predict(x).Data);

        var v1 = Nabla.Applications.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: false, weights: null);
        KerasTwoWeightsFile.Write(v1, Path.Combine(home.Path, "models", "mobilenet_2_5_128_tf_no_top.h5"));
        Utils.SetRandomSeed(16);
        var v1Loaded = WithKerasHome(home.Path, () => Nabla.Applications.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, includeTop: false));
        var x128 = GradientCheck.Random(16, -1, 1, 1, 128, 128, 3);
        Assert.Equal(v1.Predict(x128).Data, v1Loaded.Predict(x128).Data);
    }

    [Theory]
    // Keras's names for each alpha and size, with and without the classifier.
    [InlineData("v2", 1.0, 224, true, "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5")]
    [InlineData("v2", 0.5, 128, true, "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128.h5")]
    [InlineData("v2", 1.4, 96, false, "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_96_no_top.h5")]
    // A size without published weights (non-square here) falls back to 224's, where Keras only warns.
    [InlineData("v2", 0.35, 100, false, "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5")]
    [InlineData("v1", 1.0, 224, true, "mobilenet/mobilenet_1_0_224_tf.h5")]
    [InlineData("v1", 0.75, 160, true, "mobilenet/mobilenet_7_5_160_tf.h5")]
    [InlineData("v1", 0.5, 192, false, "mobilenet/mobilenet_5_0_192_tf_no_top.h5")]
    [InlineData("v1", 0.25, 96, false, "mobilenet/mobilenet_2_5_224_tf_no_top.h5")]
    public void An_absent_imagenet_file_is_refused_naming_the_file_and_Keras_s_url(string version, double alpha, int size, bool includeTop, string file)
    {
        Utils.SetRandomSeed(17);
        using var home = new TempFolder();
        int[] shape = size == 100 ? [100, 120, 3] : [size, size, 3];
        var e = Assert.Throws<FileNotFoundException>(() => WithKerasHome(home.Path, () => version == "v2"
            ? Nabla.Applications.MobileNetV2(inputShape: shape, alpha: alpha, includeTop: includeTop)
            : Nabla.Applications.MobileNet(inputShape: shape, alpha: alpha, includeTop: includeTop)));
        string name = file.Split('/')[1];
        Assert.Equal(Path.Combine(home.Path, "models", name), e.FileName);
        Assert.Contains($"https://storage.googleapis.com/tensorflow/keras-applications/{file}", e.Message);
    }

    [Fact]
    public void A_small_MobileNet_round_trips_through_a_keras_archive()
    {
        Utils.SetRandomSeed(18);
        var model = Nabla.Applications.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, weights: null, classes: 5, dropout: 0.2);
        using var folder = new TempFolder();
        string path = folder.File("mobilenet.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Name, loaded.Name);
        Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
        var x = GradientCheck.Random(18, -1, 1, 2, 32, 32, 3);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);

        var v2 = Nabla.Applications.MobileNetV2(inputShape: [32, 32, 3], alpha: 0.35, weights: null, classes: 5);
        string v2Path = folder.File("mobilenetv2.keras");
        v2.Save(v2Path);
        Assert.Equal(v2.Predict(x).Data, Model.Load(v2Path).Predict(x).Data);
    }
}
