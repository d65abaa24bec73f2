using Nabla.Tests.Data;

namespace Nabla.Tests.Applications;

/// <summary>
/// <c>weights: "imagenet"</c> for the ResNets reads Keras's cache, <c>$KERAS_HOME/models</c>, under the names Keras's
/// resnet.py gives the files ("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" and so on, fetched from
/// https://storage.googleapis.com/tensorflow/keras-applications/resnet/). Those files are Keras 2 legacy weights
/// files; here one is written the same way, with this build's weights, under Keras's name.
/// </summary>
[Collection(KerasHomeCollection.Name)]
public class ResNetImageNetWeightsTests
{
    private const string Url = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";

    private static void WithKerasHome(Action<TempFolder> test)
    {
        using var home = new TempFolder();
        Directory.CreateDirectory(home.File("models"));
        KerasHomeCollection.With(home.Path, () => test(home));
    }

    private static Tensor Images(int seed)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor(2, 32, 32, 3);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.Uniform(-120, 150);
        return x;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ImageNet_weights_load_from_Keras_s_cache_under_Keras_s_file_name(bool v2) => WithKerasHome(home =>
    {
        Utils.SetRandomSeed(11);
        Model Build(string? weights) => v2
            ? Nabla.Applications.ResNet50V2(includeTop: false, weights: weights, inputShape: [32, 32, 3], pooling: "avg")
            : Nabla.Applications.ResNet50(includeTop: false, weights: weights, inputShape: [32, 32, 3], pooling: "avg");
        var source = Build(null);
        string file = v2 ? "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5" : "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5";
        KerasHomeCollection.WriteStandIn(source, home.File(Path.Combine("models", file)));
        var x = Images(11);
        var expected = source.Predict(x).Data.ToArray();
        Assert.NotEqual(expected, Build(null).Predict(x).Data.ToArray());
        Assert.Equal(expected, Build(Nabla.Applications.ImageNet).Predict(x).Data.ToArray());
    });

    [Theory]
    [InlineData("ResNet50", true, "resnet50_weights_tf_dim_ordering_tf_kernels.h5")]
    [InlineData("ResNet101", false, "resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5")]
    [InlineData("ResNet152", false, "resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5")]
    [InlineData("ResNet50V2", false, "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5")]
    [InlineData("ResNet101V2", false, "resnet101v2_weights_tf_dim_ordering_tf_kernels_notop.h5")]
    [InlineData("ResNet152V2", true, "resnet152v2_weights_tf_dim_ordering_tf_kernels.h5")]
    public void Absent_ImageNet_weights_are_refused_naming_Keras_s_file_and_its_URL(string model, bool includeTop, string file) => WithKerasHome(home =>
    {
        Utils.SetRandomSeed(12);
        int[]? shape = includeTop ? null : [32, 32, 3];
        Func<Model> build = model switch
        {
            "ResNet50" => () => Nabla.Applications.ResNet50(includeTop, inputShape: shape),
            "ResNet101" => () => Nabla.Applications.ResNet101(includeTop, inputShape: shape),
            "ResNet152" => () => Nabla.Applications.ResNet152(includeTop, inputShape: shape),
            "ResNet50V2" => () => Nabla.Applications.ResNet50V2(includeTop, inputShape: shape),
            "ResNet101V2" => () => Nabla.Applications.ResNet101V2(includeTop, inputShape: shape),
            _ => () => Nabla.Applications.ResNet152V2(includeTop, inputShape: shape),
        };
        var e = Assert.Throws<FileNotFoundException>(build);
        Assert.Equal(home.File(Path.Combine("models", file)), e.FileName);
        Assert.Contains(file, e.Message);
        Assert.Contains(Url + file, e.Message);
    });

    [Fact]
    public void A_model_renamed_still_reads_the_file_Keras_names_after_the_architecture() => WithKerasHome(home =>
    {
        Utils.SetRandomSeed(13);
        var e = Assert.Throws<FileNotFoundException>(() =>
            Nabla.Applications.ResNet101V2(includeTop: false, inputShape: [32, 32, 3], name: "backbone"));
        Assert.EndsWith("resnet101v2_weights_tf_dim_ordering_tf_kernels_notop.h5", e.FileName);
        Assert.Contains("backbone", e.Message);
    });
}
