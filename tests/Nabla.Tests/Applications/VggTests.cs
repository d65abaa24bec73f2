using Nabla.Layers;

namespace Nabla.Tests.Applications;

/// <summary>VGG16 and VGG19 as keras/src/applications/vgg16.py and vgg19.py build them.</summary>
public class VggTests
{
    private static long Params(Model model) => model.Weights.Sum(w => (long)w.Size);

    [Fact]
    public void Vgg16_has_kerass_parameter_counts_with_and_without_its_classifier()
    {
        Utils.SetRandomSeed(1);
        // model.summary() of keras.applications.VGG16: "Total params: 138,357,544" with the top, "14,714,688" without,
        // as printed in many public notebooks (e.g. the find_string hits for either line).
        Assert.Equal(138_357_544, Params(Nabla.Applications.VGG16(weights: null)));
        var features = Nabla.Applications.VGG16(includeTop: false, weights: null);
        Assert.Equal(14_714_688, Params(features));
        Assert.Equal("vgg16", features.Name);
        Assert.Equal([-1, -1, 3], features.Layers[0].DeclaredInputShape!);
    }

    [Fact]
    public void Vgg19_has_kerass_parameter_counts_and_layer_names()
    {
        Utils.SetRandomSeed(2);
        // keras.applications.VGG19 summaries: "Total params: 143,667,240" with the top, "20,024,384" without.
        var model = Nabla.Applications.VGG19(weights: null);
        Assert.Equal(143_667_240, Params(model));
        // Keras's len(model.layers) for VGG19 with its top: the input, 16 convolutions, 5 poolings, flatten, fc1, fc2, predictions.
        Assert.Equal(26, model.Layers.Count);
        Assert.Equal(["block5_conv4", "block5_pool", "flatten", "fc1", "fc2", "predictions"], model.Layers.Skip(20).Select(l => l.Name));
        Assert.Equal(20_024_384, Params(Nabla.Applications.VGG19(includeTop: false, weights: null)));
    }

    [Theory]
    [InlineData(null, new[] { 1, 1, 512 })]
    [InlineData("avg", new[] { 512 })]
    [InlineData("max", new[] { 512 })]
    public void Without_the_classifier_it_gives_the_last_feature_map_or_its_global_pool(string? pooling, int[] shape)
    {
        Utils.SetRandomSeed(3);
        var model = Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: pooling);
        var y = model.Predict(Tensor.FromArray(Enumerable.Range(0, 2 * 32 * 32 * 3).Select(i => (float)(i % 255)).ToArray(), [2, 32, 32, 3]));
        Assert.Equal([2, .. shape], y.Shape);
    }

    [Fact]
    public void Kerass_argument_checks_refuse_before_building()
    {
        var e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(classes: 10));
        Assert.Contains("'classes' must be 1000", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(inputShape: [100, 100, 3]));
        Assert.Contains("'inputShape' must be [224, 224, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [16, 64, 3]));
        Assert.Contains("at least 32x32", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(includeTop: false, weights: Nabla.Applications.ImageNet, inputShape: [64, 64, 1]));
        Assert.Contains("3 channels", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(includeTop: false, weights: null, pooling: "sum"));
        Assert.Contains("'pooling' must be null, \"avg\" or \"max\"; found \"sum\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(weights: "no/such/file.h5"));
        Assert.Contains("neither \"imagenet\" nor an existing file", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(classifierActivation: "relu"));
        Assert.Contains("'classifierActivation' must be null or \"softmax\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG16(weights: null, inputShape: [-1, -1, 3]));
        Assert.Contains("must give every size", e.Message);
    }

    [Fact]
    public void Random_weights_with_a_classifier_of_ones_own_classes_give_probabilities()
    {
        Utils.SetRandomSeed(4);
        var model = Nabla.Applications.VGG16(weights: null, inputShape: [32, 32, 3], classes: 10);
        var p = model.Predict(Tensor.FromArray(new float[32 * 32 * 3], [1, 32, 32, 3]));
        Assert.Equal([1, 10], p.Shape);
        Assert.Equal(1f, p.Data.Sum(), 1e-5f);
    }

    [Fact]
    public void An_input_tensor_of_ones_own_becomes_the_models_input()
    {
        var input = new Input([48, 48, 3], name: "pixels");
        var model = Nabla.Applications.VGG19(includeTop: false, weights: null, inputTensor: input, pooling: "avg");
        Assert.Equal("pixels", model.Layers[0].Name);
        var e = Assert.Throws<ArgumentException>(() => Nabla.Applications.VGG19(includeTop: false, weights: null, inputTensor: new Input([48, 48, 3]), inputShape: [64, 64, 3]));
        Assert.Contains("'inputTensor' has shape", e.Message);
    }
}

/// <summary>weights "imagenet": the file Keras caches, under Keras's name, in $KERAS_HOME/models.</summary>
[Collection(KerasHomeCollection.Name)]
public class ImageNetWeightsFileTests
{
    [Fact]
    public void Imagenet_weights_load_from_kerass_cache_in_kerass_own_file_format_and_name()
    {
        using var home = new Nabla.Tests.Data.TempFolder();
        Directory.CreateDirectory(Path.Combine(home.Path, "models"));
        Utils.SetRandomSeed(5);
        var source = Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3]);
        // keras.applications downloads Keras 2 style weights files: written here in that format, under Keras's name.
        KerasHomeCollection.WriteStandIn(source, Path.Combine(home.Path, "models", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"));
        var x = Tensor.FromArray(Enumerable.Range(0, 32 * 32 * 3).Select(i => (float)(i % 97)).ToArray(), [1, 32, 32, 3]);
        KerasHomeCollection.With(home.Path, () =>
        {
            Utils.SetRandomSeed(6);
            var loaded = Nabla.Applications.VGG16(includeTop: false, inputShape: [32, 32, 3]);
            Assert.Equal(source.Predict(x).Data, loaded.Predict(x).Data);
        });
    }

    [Fact]
    public void Missing_imagenet_weights_are_refused_naming_the_file_and_where_keras_fetches_it()
    {
        using var home = new Nabla.Tests.Data.TempFolder();
        KerasHomeCollection.With(home.Path, () =>
        {
            var e = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.VGG19(includeTop: false, inputShape: [32, 32, 3]));
            Assert.Contains(Path.Combine(home.Path, "models", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"), e.Message);
            Assert.Contains("https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", e.Message);
            Assert.Contains("Nabla downloads no weights", e.Message);
        });
    }
}

/// <summary>keras.io's transfer-learning recipe on an application: a frozen base called with training false under a
/// new head that trains.</summary>
public class ApplicationTransferLearningTests
{
    [Fact]
    public void A_frozen_base_under_a_new_head_keeps_its_weights_while_the_head_learns()
    {
        Utils.SetRandomSeed(7);
        var baseModel = Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3]);
        baseModel.Trainable = false;
        var inputs = new Input([32, 32, 3]);
        var features = baseModel.Apply(inputs, training: false);
        var pooled = new GlobalAveragePooling2D().Apply(features);
        var outputs = new Dense(1, activation: "sigmoid").Apply(pooled);
        var model = new Model(inputs, outputs);
        model.Compile("adam", "binary_crossentropy", metrics: ["accuracy"]);
        Assert.Equal(14_714_688, baseModel.Weights.Sum(w => w.Size));
        Assert.Equal(513, model.TrainableWeights.Sum(w => w.Size));

        var random = new RandomGenerator(8);
        var x = Tensor.FromArray(Enumerable.Range(0, 16 * 32 * 32 * 3).Select(_ => (float)random.Uniform(0, 255)).ToArray(), [16, 32, 32, 3]);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(i % 2)).ToArray(), [16, 1]);
        var baseBefore = baseModel.Weights.Select(w => w.Data.ToArray()).ToList();
        var headBefore = model.Layers[^1].Weights[0].Data.ToArray();
        model.Fit(Nabla.Applications.PreprocessInput(x), y, epochs: 2, batchSize: 8, verbose: 0);
        Assert.All(baseModel.Weights.Select((w, i) => (w, i)), p => Assert.Equal(baseBefore[p.i], p.w.Data.ToArray()));
        Assert.NotEqual(headBefore, model.Layers[^1].Weights[0].Data.ToArray());
    }
}

/// <summary>Keras's feature-extraction idiom: keras.Model(base.inputs, base.get_layer(name).output).</summary>
public class ApplicationFeatureExtractionTests
{
    [Fact]
    public void An_inner_layers_output_becomes_a_feature_extractor_sharing_the_bases_weights()
    {
        Utils.SetRandomSeed(9);
        var baseModel = Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3]);
        var extractor = new Model(baseModel.Inputs[0], baseModel.GetLayer("block4_conv1").Output);
        Assert.Same(baseModel.GetLayer("block1_conv1").Weights[0], extractor.GetLayer("block1_conv1").Weights[0]);
        Assert.Same(baseModel.GetLayer(1), baseModel.GetLayer("block1_conv1"));
        var x = Tensor.FromArray(Enumerable.Range(0, 32 * 32 * 3).Select(i => (float)(i % 31)).ToArray(), [1, 32, 32, 3]);
        var features = extractor.Predict(x);
        Assert.Equal([1, 4, 4, 512], features.Shape);

        // The same features from the layers run one by one up to block4_conv1.
        Tensor h = x;
        foreach (var layer in baseModel.Layers.Skip(1).TakeWhile(l => l.Name != "block4_conv2")) h = layer.Call(h, false);
        Assert.Equal(h.Data, features.Data);
    }

    [Fact]
    public void Unknown_names_and_indices_and_layers_never_called_symbolically_are_refused()
    {
        var model = Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3]);
        var e = Assert.Throws<ArgumentException>(() => model.GetLayer("block6_conv1"));
        Assert.Contains("has no layer 'block6_conv1'; its layers are input_layer", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetLayer(model.Layers.Count));
        var sequential = new Sequential(new Dense(2));
        sequential.Build([3]);
        var i = Assert.Throws<InvalidOperationException>(() => sequential.Layers[0].Output);
        Assert.Contains("never been called on symbolic tensors", i.Message);
    }
}

/// <summary>An application exports to ONNX and ONNX Runtime gives Predict's outputs.</summary>
public class ApplicationOnnxExportTests
{
    [Fact]
    public void Vgg16_without_its_top_exports_and_runs_in_onnx_runtime_as_predict()
    {
        Utils.SetRandomSeed(10);
        var model = Nabla.Applications.VGG16(includeTop: false, weights: null, inputShape: [32, 32, 3], pooling: "avg");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0, high: 1);
    }
}
