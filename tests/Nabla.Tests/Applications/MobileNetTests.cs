using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>
/// <c>Applications.MobileNet</c> and <c>Applications.MobileNetV2</c> against Keras's keras/src/applications/mobilenet.py
/// and mobilenet_v2.py: the parameter counts Keras's <c>model.summary()</c> prints, layer names, shapes and Keras's checks.
/// Tests that read weights files by Keras's cache name are in <see cref="MobileNetWeightsTests"/>.
/// </summary>
public class MobileNetTests
{
    private static (long Total, long Trainable, long NonTrainable) Counts(Model model) =>
        (model.Weights.Sum(w => (long)w.Size), model.TrainableWeights.Sum(w => (long)w.Size), model.NonTrainableWeights.Sum(w => (long)w.Size));

    [Fact]
    public void MobileNetV2_with_its_classifier_has_Keras_s_parameter_counts_weights_and_name()
    {
        Utils.SetRandomSeed(1);
        var model = Nabla.Applications.MobileNetV2(weights: null);
        // Keras's model.summary() of MobileNetV2() (alpha 1.0, 224): "Total params: 3,538,984 / Trainable params: 3,504,872 /
        // Non-trainable params: 34,112" and "len(model.weights): 262, len(model.trainable_weights): 158", as printed in
        // public transfer-learning notebooks (found by the summary lines "Total params: 3,538,984", "Model: \"mobilenetv2_1.00_224\"").
        Assert.Equal((3_538_984L, 3_504_872L, 34_112L), Counts(model));
        Assert.Equal(262, model.Weights.Count);
        Assert.Equal(158, model.TrainableWeights.Count);
        Assert.Equal("mobilenetv2_1.00_224", model.Name);
        Assert.Equal(3_538_984, model.CountParams());
    }

    [Fact]
    public void MobileNetV2_without_its_classifier_has_Keras_s_counts_and_layers()
    {
        Utils.SetRandomSeed(2);
        var model = Nabla.Applications.MobileNetV2(inputShape: [160, 160, 3], includeTop: false, weights: null);
        // TensorFlow's transfer-learning tutorial, MobileNetV2(input_shape=(160, 160, 3), include_top=False): "Total params:
        // 2,257,984 / Trainable params: 2,223,872 / Non-trainable params: 34,112" and, in its fine-tuning step, "Number of
        // layers in the base model:  154" (len(base_model.layers), the InputLayer included; older TF versions printed 155
        // and 157, when Conv1 still had a ZeroPadding2D before it).
        Assert.Equal((2_257_984L, 2_223_872L, 34_112L), Counts(model));
        Assert.Equal(154, model.Layers.Count);
        Assert.Equal("mobilenetv2_1.00_160", model.Name);
        var names = model.Layers.Select(l => l.Name).ToList();
        Assert.Equal(["Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise", "expanded_conv_depthwise_BN"], names.Skip(1).Take(5));
        Assert.Equal(["block_16_project", "block_16_project_BN", "Conv_1", "Conv_1_bn", "out_relu"], names.TakeLast(5));
        Assert.Contains("block_1_pad", names);
        Assert.Contains("block_2_add", names);
        Assert.DoesNotContain("block_3_add", names);
        Assert.Equal(10, model.Layers.Count(l => l.ClassName == "Add"));
        Assert.Equal(4, model.Layers.Count(l => l.ClassName == "ZeroPadding2D"));
        Assert.Equal([5, 5, 1280], model.Layers[^1].OutputShape!);
    }

    [Fact]
    public void MobileNetV2_alpha_0_35_has_Keras_s_counts()
    {
        Utils.SetRandomSeed(3);
        var model = Nabla.Applications.MobileNetV2(inputShape: [96, 96, 3], alpha: 0.35, includeTop: false, weights: null, pooling: "max");
        // A public Streamlit app shows the summary of MobileNetV2(weights='imagenet', alpha=0.35, include_top=False,
        // pooling='max'): "Total params: 410,208 / Trainable params: 396,128 / Non-trainable params: 14,080".
        Assert.Equal((410_208L, 396_128L, 14_080L), Counts(model));
        Assert.Equal("mobilenetv2_0.35_96", model.Name);
        Assert.Equal(16, model.Layers.Single(l => l.Name == "Conv1").Weights[0].Shape[^1]);
        Assert.Equal(1280, model.Layers.Single(l => l.Name == "Conv_1").Weights[0].Shape[^1]);
    }

    [Theory]
    [InlineData(1.4, 1792)]
    [InlineData(1.3, 1664)]
    [InlineData(0.5, 1280)]
    public void MobileNetV2_widens_the_last_convolution_only_above_alpha_1(double alpha, int lastFilters)
    {
        Utils.SetRandomSeed(4);
        var model = Nabla.Applications.MobileNetV2(inputShape: [32, 32, 3], alpha: alpha, includeTop: false, weights: null);
        Assert.Equal(lastFilters, model.Layers.Single(l => l.Name == "Conv_1").Weights[0].Shape[^1]);
    }

    [Fact]
    public void MobileNet_with_and_without_its_classifier_has_Keras_s_counts()
    {
        Utils.SetRandomSeed(5);
        var top = Nabla.Applications.MobileNet(weights: null);
        // Keras's model.summary() of MobileNet(weights=None): "Total params: 4,253,864 / Trainable params: 4,231,976 /
        // Non-trainable params: 21,888", and "len(model.weights): 137, len(model.trainable_weights): 83", as printed in
        // public notebooks and blog posts (found by "Total params: 4,253,864").
        Assert.Equal((4_253_864L, 4_231_976L, 21_888L), Counts(top));
        Assert.Equal(137, top.Weights.Count);
        Assert.Equal(83, top.TrainableWeights.Count);
        Assert.Equal("mobilenet_1.00_224", top.Name);
        var names = top.Layers.Select(l => l.Name).ToList();
        Assert.Equal(["conv1", "conv1_bn", "conv1_relu", "conv_dw_1", "conv_dw_1_bn"], names.Skip(1).Take(5));
        Assert.Equal(["conv_pw_13_relu", "dropout", "conv_preds", "reshape_2", "predictions"], names.TakeLast(6).Where((_, i) => i != 1));
        // Keras names the pooling layer "global_average_pooling2d" in a fresh session, with a count after it otherwise.
        Assert.StartsWith("global_average_pooling2d", names[^5]);
        Assert.Equal(["conv_pad_2", "conv_pad_4", "conv_pad_6", "conv_pad_12"], names.Where(n => n.StartsWith("conv_pad_", StringComparison.Ordinal)));

        var notop = Nabla.Applications.MobileNet(inputShape: [224, 224, 3], includeTop: false, weights: null);
        // The summary of MobileNet(include_top=False) at 224 (and at 160) in public notebooks: "Total params: 3,228,864 /
        // Trainable params: 3,206,976 / Non-trainable params: 21,888", ending in "conv_pw_13_relu (ReLU) (None, 7, 7, 1024)".
        Assert.Equal((3_228_864L, 3_206_976L, 21_888L), Counts(notop));
        Assert.Equal("conv_pw_13_relu", notop.Layers[^1].Name);
        Assert.Equal([7, 7, 1024], notop.Layers[^1].OutputShape!);
    }

    [Fact]
    public void MobileNet_alpha_and_depth_multiplier_set_the_widths()
    {
        Utils.SetRandomSeed(6);
        var model = Nabla.Applications.MobileNet(inputShape: [128, 128, 3], alpha: 0.25, depthMultiplier: 2, includeTop: false, weights: null);
        Assert.Equal("mobilenet_0.25_128", model.Name);
        Assert.Equal(8, model.Layers.Single(l => l.Name == "conv1").Weights[0].Shape[^1]);
        Assert.Equal([3, 3, 8, 2], model.Layers.Single(l => l.Name == "conv_dw_1").Weights[0].Shape);
        Assert.Equal([1, 1, 16, 16], model.Layers.Single(l => l.Name == "conv_pw_1").Weights[0].Shape);
        Assert.Equal(256, model.Layers[^1].OutputShape![^1]);
    }

    [Fact]
    public void Both_run_forward_on_small_images_with_either_pooling_and_open_sizes()
    {
        Utils.SetRandomSeed(7);
        var x = GradientCheck.Random(7, -1, 1, 2, 32, 32, 3);
        var v2 = Nabla.Applications.MobileNetV2(inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, weights: null);
        Assert.Equal([2, 1, 1, 1280], v2.Predict(x).Shape);
        var avg = Nabla.Applications.MobileNetV2(alpha: 0.35, includeTop: false, weights: null, pooling: "avg");
        Assert.Equal("mobilenetv2_0.35_None", avg.Name);
        Assert.Equal([2, 1280], avg.Predict(GradientCheck.Random(8, -1, 1, 2, 45, 33, 3)).Shape);
        var max = Nabla.Applications.MobileNet(inputShape: [33, 47, 3], alpha: 0.25, includeTop: false, weights: null, pooling: "max");
        Assert.Equal([2, 256], max.Predict(GradientCheck.Random(9, -1, 1, 2, 33, 47, 3)).Shape);
        Assert.Equal([1, 1, 256], Nabla.Applications.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, includeTop: false, weights: null)
            .Predict(x).Shape[1..]);
    }

    [Fact]
    public void With_their_classifier_both_give_probabilities_over_the_classes()
    {
        Utils.SetRandomSeed(8);
        var x = GradientCheck.Random(8, -1, 1, 3, 32, 32, 3);
        foreach (var model in new[]
        {
            Nabla.Applications.MobileNet(inputShape: [32, 32, 3], alpha: 0.25, weights: null, classes: 10),
            Nabla.Applications.MobileNetV2(inputShape: [32, 32, 3], alpha: 0.35, weights: null, classes: 10),
        })
        {
            var y = model.Predict(x);
            Assert.Equal([3, 10], y.Shape);
            for (int row = 0; row < 3; row++)
                Assert.Equal(1.0, y.Data.Skip(row * 10).Take(10).Sum(), 4);
        }
    }

    [Fact]
    public void An_input_tensor_is_used_as_the_model_s_input_and_sets_the_default_size()
    {
        Utils.SetRandomSeed(10);
        var input = new Input([96, 96, 3]);
        var model = Nabla.Applications.MobileNetV2(alpha: 0.35, includeTop: false, weights: null, inputTensor: input);
        Assert.Same(input, model.Inputs[0]);
        Assert.Equal("mobilenetv2_0.35_96", model.Name);
        Assert.Equal([3, 3, 1280], model.OutputShape!);
        var e = Assert.Throws<ArgumentException>(() =>
            Nabla.Applications.MobileNet(inputShape: [64, 64, 3], includeTop: false, weights: null, inputTensor: new Input([96, 96, 3])));
        Assert.Equal("inputTensor", e.ParamName);
    }

    [Fact]
    public void CorrectPad_and_MakeDivisible_follow_Keras()
    {
        Assert.Equal(new Nabla.Layers.Padding2D(0, 1, 0, 1), Nabla.Applications.CorrectPad([112, 112, 32], 3));
        Assert.Equal(new Nabla.Layers.Padding2D(1, 1, 0, 1), Nabla.Applications.CorrectPad([7, 8, 32], 3));
        Assert.Equal(new Nabla.Layers.Padding2D(0, 1, 0, 1), Nabla.Applications.CorrectPad([-1, 7, 32], 3));
        Assert.Equal(16, Nabla.Applications.MakeDivisible(32 * 0.35, 8));
        Assert.Equal(8, Nabla.Applications.MakeDivisible(5, 8));
        Assert.Equal(48, Nabla.Applications.MakeDivisible(44.8, 8));
        Assert.Equal(1792, Nabla.Applications.MakeDivisible(1280 * 1.4, 8));
    }

    [Fact]
    public void Keras_s_checks_are_refused_naming_the_argument()
    {
        Utils.SetRandomSeed(9);
        var e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNetV2(classes: 10));
        Assert.Equal("classes", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNetV2(alpha: 0.6, includeTop: false, inputShape: [96, 96, 3]));
        Assert.Equal("alpha", e.ParamName);
        Assert.Contains("0.35, 0.5, 0.75, 1.0, 1.3 or 1.4; found 0.6", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNet(alpha: 0.35, includeTop: false));
        Assert.Equal("alpha", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNet(depthMultiplier: 2, includeTop: false));
        Assert.Equal("depthMultiplier", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNetV2(inputShape: [16, 16, 3], includeTop: false, weights: null));
        Assert.Equal("inputShape", e.ParamName);
        Assert.Contains("at least 32x32", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNet(inputShape: [100, 100, 3]));
        Assert.Equal("inputShape", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNetV2(includeTop: false, weights: null, pooling: "sum"));
        Assert.Equal("pooling", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNet(weights: "no-such-file.h5"));
        Assert.Equal("weights", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.MobileNetV2(classifierActivation: "relu"));
        Assert.Equal("classifierActivation", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Nabla.Applications.MobileNet(alpha: 0, weights: null));
    }
}
