using Nabla.Tests.Data;

namespace Nabla.Tests.Applications;

/// <summary>
/// <see cref="Nabla.Applications.ResNet50"/> and its siblings, built as Keras builds them (keras/src/applications/resnet.py
/// and resnet_v2.py): Keras's parameter counts, layer names and order, shapes, argument checks and weights round trips.
/// </summary>
public class ResNetTests
{
    private static Model Build(string model, bool includeTop = true, int[]? inputShape = null, string? pooling = null, int classes = 1000,
        string? weights = null) => model switch
    {
        "ResNet50" => Nabla.Applications.ResNet50(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "ResNet101" => Nabla.Applications.ResNet101(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "ResNet152" => Nabla.Applications.ResNet152(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "ResNet50V2" => Nabla.Applications.ResNet50V2(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "ResNet101V2" => Nabla.Applications.ResNet101V2(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "ResNet152V2" => Nabla.Applications.ResNet152V2(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        _ => throw new ArgumentException(model),
    };

    private static Tensor Images(int batch, int size, int seed)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor(batch, size, size, 3);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.Uniform(-1, 1);
        return x;
    }

    // Keras's own numbers, from public tf.keras model.summary() printouts of keras.applications with the top
    // (find_string "Total params: 25,636,712", "Total params: 44,707,176", ...): one script printing every ResNet's
    // summary with ic(len(model.weights), len(model.trainable_weights)) gives, for instance, Model: "resnet50",
    // Total 25,636,712, Trainable 25,583,592, Non-trainable 53,120, 320 weights of which 214 trainable; the same totals,
    // splits and weight counts are repeated by other printouts (another lists every model's trainable weight count).
    [Theory]
    [InlineData("ResNet50", "resnet50", 25_636_712, 25_583_592, 53_120, 320, 214)]
    [InlineData("ResNet101", "resnet101", 44_707_176, 44_601_832, 105_344, 626, 418)]
    [InlineData("ResNet152", "resnet152", 60_419_944, 60_268_520, 151_424, 932, 622)]
    [InlineData("ResNet50V2", "resnet50v2", 25_613_800, 25_568_360, 45_440, 272, 174)]
    [InlineData("ResNet101V2", "resnet101v2", 44_675_560, 44_577_896, 97_664, 544, 344)]
    [InlineData("ResNet152V2", "resnet152v2", 60_380_648, 60_236_904, 143_744, 816, 514)]
    public void With_the_top_each_model_has_Keras_s_name_parameter_counts_and_weight_counts(
        string model, string name, int total, int trainable, int nonTrainable, int weights, int trainableWeights)
    {
        Utils.SetRandomSeed(1);
        var m = Build(model);
        Assert.Equal(name, m.Name);
        Assert.Equal(total, m.CountParams());
        Assert.Equal(trainable, m.TrainableWeights.Sum(w => w.Size));
        Assert.Equal(nonTrainable, m.NonTrainableWeights.Sum(w => w.Size));
        Assert.Equal(weights, m.Weights.Count);
        Assert.Equal(trainableWeights, m.TrainableWeights.Count);
        Assert.Equal([224, 224, 3], m.InputShape!);
        Assert.Equal([1000], m.OutputShape!);
    }

    [Fact]
    public void Without_the_top_ResNet50_has_Keras_s_counts()
    {
        Utils.SetRandomSeed(2);
        // ResNet50(include_top=False): "Total params: 23,587,712", "Trainable params: 23,534,592", "Non-trainable params:
        // 53,120" in public summaries (find_string "Total params: 23,587,712"), i.e. the top's 2048 x 1000 + 1000 less.
        var m = Nabla.Applications.ResNet50(includeTop: false, weights: null);
        Assert.Equal(23_587_712, m.CountParams());
        Assert.Equal(23_534_592, m.TrainableWeights.Sum(w => w.Size));
        Assert.Equal(53_120, m.NonTrainableWeights.Sum(w => w.Size));
        Assert.Equal([-1, -1, 3], m.InputShape!);
    }

    [Fact]
    public void ResNet50_has_Keras_s_177_layers_in_Keras_s_order()
    {
        Utils.SetRandomSeed(3);
        var names = Build("ResNet50").Layers.Select(l => l.Name).ToArray();
        // "Layers: count: 177" for keras.applications.ResNet50() (find_string "Layers: count: 177"), the input layer included.
        Assert.Equal(177, names.Length);
        Assert.Equal(["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool", "conv2_block1_1_conv"], names[1..8]);
        // Keras's summaries list the first block's shortcut after the main path's second ReLU (find_string
        // "conv2_block1_0_conv (Conv2D)"); legacy weights files hold the layers in this order.
        Assert.Equal(["conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv", "conv2_block1_0_bn", "conv2_block1_3_bn",
            "conv2_block1_add", "conv2_block1_out", "conv2_block2_1_conv"], names[12..20]);
        Assert.Equal(["conv5_block3_3_bn", "conv5_block3_add", "conv5_block3_out", "avg_pool", "predictions"], names[^5..]);
        Assert.Contains("conv4_block6_out", names);
        Assert.DoesNotContain("conv4_block7_out", names);
    }

    [Fact]
    public void ResNet50V2_has_Keras_s_pre_activation_layers_and_names()
    {
        Utils.SetRandomSeed(4);
        var m = Build("ResNet50V2");
        var names = m.Layers.Select(l => l.Name).ToArray();
        Assert.Equal(["conv1_pad", "conv1_conv", "pool1_pad", "pool1_pool", "conv2_block1_preact_bn", "conv2_block1_preact_relu",
            "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_pad", "conv2_block1_2_conv"], names[1..12]);
        // As Keras's summary lists them (find_string "conv2_block1_0_conv (Conv2D)"): the shortcut after the main path's
        // second ReLU, and the block's sum named "_out".
        Assert.Equal(["conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv", "conv2_block1_out"], names[13..17]);
        Assert.Equal(["conv5_block3_out", "post_bn", "post_relu", "avg_pool", "predictions"], names[^5..]);
        Assert.DoesNotContain("conv1_bn", names);
        Assert.DoesNotContain(names, n => n.EndsWith("_add", StringComparison.Ordinal));
        // The last block of conv2, conv3 and conv4 strides, its shortcut a 1x1 max pooling; conv5 keeps its size.
        var shortcuts = m.Layers.OfType<Nabla.Layers.MaxPooling2D>().Where(l => l.Name != "pool1_pool").ToArray();
        Assert.Equal(3, shortcuts.Length);
        Assert.All(shortcuts, p => Assert.Equal((1, 1, 2, 2), (p.PoolSize.Height, p.PoolSize.Width, p.Strides.Height, p.Strides.Width)));
        var batchNorms = m.Layers.OfType<Nabla.Layers.BatchNormalization>().ToArray();
        Assert.All(batchNorms, b => Assert.Equal((1.001e-5, 3), (b.Epsilon, b.Axis)));
        Assert.False(m.Layers.OfType<Nabla.Layers.Conv2D>().Single(l => l.Name == "conv3_block4_2_conv").UseBias);
        Assert.Equal([7, 7, 2048], m.GetLayer("post_relu").OutputShape!);
        Assert.Equal([14, 14, 1024], m.GetLayer("conv4_block5_out").OutputShape!);
        Assert.Equal([7, 7, 1024], m.GetLayer("conv4_block6_out").OutputShape!);
    }

    [Theory]
    [InlineData("ResNet50")]
    [InlineData("ResNet50V2")]
    public void Without_the_top_a_32x32_image_gives_a_1x1_map_of_2048_features_or_a_pooled_vector(string model)
    {
        Utils.SetRandomSeed(5);
        var x = Images(2, 32, seed: 5);
        Assert.Equal([2, 1, 1, 2048], Build(model, includeTop: false, inputShape: [32, 32, 3]).Predict(x).Shape);
        var average = Build(model, includeTop: false, inputShape: [32, 32, 3], pooling: "avg");
        Assert.Equal("avg_pool", average.Layers[^1].Name);
        Assert.Equal([2, 2048], average.Predict(x).Shape);
        var max = Build(model, includeTop: false, inputShape: [32, 32, 3], pooling: "max");
        Assert.Equal("max_pool", max.Layers[^1].Name);
        Assert.Equal([2, 2048], max.Predict(x).Shape);
    }

    [Fact]
    public void Without_an_input_shape_the_model_takes_any_size()
    {
        Utils.SetRandomSeed(6);
        var m = Build("ResNet50", includeTop: false);
        Assert.Equal([1, 2, 2, 2048], m.Predict(Images(1, 64, seed: 6)).Shape);
        Assert.Equal([1, 1, 1, 2048], m.Predict(Images(1, 32, seed: 7)).Shape);
    }

    [Theory]
    [InlineData("ResNet50")]
    [InlineData("ResNet50V2")]
    public void With_the_top_and_ten_classes_each_row_is_a_distribution(string model)
    {
        Utils.SetRandomSeed(7);
        var m = Build(model, inputShape: [32, 32, 3], classes: 10);
        var y = m.Predict(Images(3, 32, seed: 8));
        Assert.Equal([3, 10], y.Shape);
        for (int row = 0; row < 3; row++)
            Assert.Equal(1f, y.Data.Skip(row * 10).Take(10).Sum(), 4);
    }

    [Fact]
    public void Keras_s_argument_checks_refuse_naming_the_argument()
    {
        Utils.SetRandomSeed(8);
        var e = Assert.Throws<ArgumentException>(() => Nabla.Applications.ResNet50(classes: 10));
        Assert.Equal("classes", e.ParamName);
        Assert.Contains("1000", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.ResNet101V2(inputShape: [32, 32, 3]));
        Assert.Equal("inputShape", e.ParamName);
        Assert.Contains("224", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.ResNet152(includeTop: false, weights: null, inputShape: [31, 64, 3]));
        Assert.Equal("inputShape", e.ParamName);
        Assert.Contains("32x32", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.ResNet50V2(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "sum"));
        Assert.Equal("pooling", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.ResNet50(weights: "no-such-file.weights.h5"));
        Assert.Equal("weights", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.ResNet50(includeTop: false, inputShape: [64, 64, 1]));
        Assert.Equal("inputShape", e.ParamName);
    }

    // Keras 3's weights file of ResNet50 holds 23.5M numbers: writing and reading it takes most of this test's time.
    [Fact]
    public void Weights_saved_from_one_build_load_into_another_with_identical_predictions()
    {
        const string model = "ResNet50";
        Utils.SetRandomSeed(9);
        using var folder = new TempFolder();
        string path = folder.File("resnet.weights.h5");
        var source = Build(model, includeTop: false, inputShape: [32, 32, 3], pooling: "avg");
        source.SaveWeights(path);
        var x = Images(2, 32, seed: 9);
        var expected = source.Predict(x).Data.ToArray();

        var fresh = Build(model, includeTop: false, inputShape: [32, 32, 3], pooling: "avg");
        Assert.NotEqual(expected, fresh.Predict(x).Data.ToArray());
        var loaded = Build(model, includeTop: false, inputShape: [32, 32, 3], pooling: "avg", weights: path);
        Assert.Equal(expected, loaded.Predict(x).Data.ToArray());
    }

    [Fact]
    public void A_keras_file_of_ResNet50_loads_with_identical_predictions()
    {
        Utils.SetRandomSeed(10);
        using var folder = new TempFolder();
        string path = folder.File("resnet50.keras");
        var model = Nabla.Applications.ResNet50(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "max");
        model.Save(path);
        var x = Images(2, 32, seed: 10);
        var restored = Model.Load(path);
        Assert.Equal("resnet50", restored.Name);
        Assert.Equal(model.Layers.Select(l => l.Name), restored.Layers.Select(l => l.Name));
        Assert.Equal(model.Predict(x).Data.ToArray(), restored.Predict(x).Data.ToArray());
    }
}
