using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.Data;
using Nabla.Tests.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>DepthwiseConv1D and SeparableConv1D as layers: Keras's defaults, config keys and forms, refusals, weights
/// (names, shapes, counts, fans), saving and loading, ONNX Runtime, and a small sequence task learned.</summary>
public class Conv1DVariantsLayerTests
{
    [Fact]
    public void DepthwiseConv1DKerasDefaults()
    {
        // keras/src/layers/convolutional/depthwise_conv1d.py, DepthwiseConv1D.__init__: strides=1, padding="valid",
        // depth_multiplier=1, data_format=None (channels_last), dilation_rate=1, activation=None, use_bias=True,
        // depthwise_initializer="glorot_uniform", bias_initializer="zeros", None for the regularizers and constraints.
        var layer = Assert.IsType<DepthwiseConv1D>(Layer.Deserialize(Config.Parse(
            """{"class_name": "DepthwiseConv1D", "config": {"name": "d", "kernel_size": 3}}""")));
        Assert.Equal((3, 1, "valid", 1, 1, "linear", true), (layer.KernelSize, layer.Strides, layer.Padding, layer.DepthMultiplier,
            layer.DilationRate, layer.Activation.Name, layer.UseBias));
        Assert.IsType<GlorotUniform>(layer.DepthwiseInitializer);
        Assert.IsType<Zeros>(layer.BiasInitializer);
        Assert.Null(layer.DepthwiseRegularizer);
        Assert.Null(layer.DepthwiseConstraint);
        var fromCSharp = new DepthwiseConv1D(3, name: "d").GetConfig();
        Assert.Equal(fromCSharp.ToJsonString(), layer.GetConfig().ToJsonString());
    }

    [Fact]
    public void SeparableConv1DKerasDefaults()
    {
        // keras/src/layers/convolutional/separable_conv1d.py, SeparableConv1D.__init__: strides=1, padding="valid",
        // data_format=None, dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True, depthwise and pointwise
        // initializers "glorot_uniform", bias_initializer "zeros".
        var layer = Assert.IsType<SeparableConv1D>(Layer.Deserialize(Config.Parse(
            """{"class_name": "SeparableConv1D", "config": {"name": "s", "filters": 2, "kernel_size": 3}}""")));
        Assert.Equal((2, 3, 1, "valid", 1, 1, "linear", true), (layer.Filters, layer.KernelSize, layer.Strides, layer.Padding,
            layer.DepthMultiplier, layer.DilationRate, layer.Activation.Name, layer.UseBias));
        Assert.Equal(("GlorotUniform", "GlorotUniform", "Zeros"),
            (layer.DepthwiseInitializer.ClassName, layer.PointwiseInitializer.ClassName, layer.BiasInitializer.ClassName));
        Assert.Equal(new SeparableConv1D(2, 3, name: "s").GetConfig().ToJsonString(), layer.GetConfig().ToJsonString());
        // Keras exports the layer under its Keras 2 name too.
        Assert.IsType<SeparableConv1D>(Layer.Deserialize(Config.Parse(
            """{"class_name": "SeparableConvolution1D", "config": {"filters": 2, "kernel_size": 3}}""")));
    }

    [Fact]
    public void ConfigsWriteKerasKeysAsListsOfOneAndRoundTrip()
    {
        // BaseDepthwiseConv.get_config (keras/src/layers/convolutional/base_depthwise_conv.py) after name, trainable, dtype.
        var depthwise = new DepthwiseConv1D(5, 2, "same", 3, activation: "relu", useBias: false, depthwiseRegularizer: "l2", name: "dw");
        var config = depthwise.GetConfig();
        Assert.Equal(["name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding", "data_format",
            "dilation_rate", "activation", "use_bias", "depthwise_initializer", "bias_initializer", "depthwise_regularizer",
            "bias_regularizer", "activity_regularizer", "depthwise_constraint", "bias_constraint"], config.Keys);
        Assert.Equal(new List<object?> { 5L }, config["kernel_size"]);
        Assert.Equal(new List<object?> { 2L }, config["strides"]);
        Assert.Equal(new List<object?> { 1L }, config["dilation_rate"]);
        ConvConfigTests.RoundTrip(depthwise);
        ConvConfigTests.RoundTrip(new DepthwiseConv1D(3, dilationRate: 2, biasRegularizer: "l1", inputShape: [10, 2]) { DepthwiseConstraint = new Nabla.Constraints.NonNeg() });
        var separable = new SeparableConv1D(4, 3, 1, "same", 2, 2, activation: "elu", pointwiseInitializer: "he_normal", inputShape: [12, 3], name: "sep")
        { PointwiseConstraint = new Nabla.Constraints.NonNeg(), Trainable = false };
        var sepConfig = separable.GetConfig();
        Assert.Equal(new List<object?> { 3L }, sepConfig["kernel_size"]);
        Assert.Equal(new List<object?> { 2L }, sepConfig["dilation_rate"]);
        foreach (string key in new[] { "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer", "pointwise_regularizer",
                     "pointwise_constraint", "depthwise_constraint", "bias_constraint" })
            Assert.True(sepConfig.ContainsKey(key), key);
        var back = Assert.IsType<SeparableConv1D>(ConvConfigTests.RoundTrip(separable));
        Assert.False(back.Trainable);
        Assert.IsType<Nabla.Constraints.NonNeg>(back.PointwiseConstraint);
    }

    [Fact]
    public void Keras3AndKeras2ConfigFormsLoad()
    {
        var model = KerasModelJson.FromJson("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "DepthwiseConv1D", "config": {"name": "dw", "batch_input_shape": [null, 10, 3], "kernel_size": 3,
             "strides": 1, "padding": "same", "depth_multiplier": 2, "data_format": "channels_last", "dilation_rate": 1,
             "activation": "relu", "use_bias": true,
             "depthwise_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1, "mode": "fan_avg", "distribution": "uniform", "seed": null}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "depthwise_regularizer": null, "bias_regularizer": null,
             "activity_regularizer": null, "depthwise_constraint": null, "bias_constraint": null}},
          {"module": "keras.layers", "class_name": "SeparableConv1D", "registered_name": null, "config": {"name": "sep",
             "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
             "depth_multiplier": 1, "filters": 4, "kernel_size": [3], "strides": [2], "padding": "valid", "data_format": "channels_last",
             "dilation_rate": [1], "activation": "linear", "use_bias": false,
             "depthwise_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
             "pointwise_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
             "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
             "depthwise_regularizer": null, "pointwise_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
             "depthwise_constraint": null, "pointwise_constraint": null, "bias_constraint": null}}
        ]}}
        """);
        Assert.Equal([10, 6], model.Layers[0].OutputShape!);
        Assert.Equal([4, 4], model.Layers[1].OutputShape!);
        Assert.Null(((SeparableConv1D)model.Layers[1]).Bias);
        Assert.Equal(3 * 3 * 2 + 6 + 3 * 6 * 1 + 6 * 4, model.CountParams());
    }

    [Theory]
    [InlineData("""{"class_name": "DepthwiseConv1D", "config": {"name": "d", "kernel_size": 3, "data_format": "channels_middle"}}""", "data_format")]
    [InlineData("""{"class_name": "DepthwiseConv1D", "config": {"name": "d", "kernel_size": 3, "padding": "causal"}}""", "padding")]
    [InlineData("""{"class_name": "DepthwiseConv1D", "config": {"name": "d", "kernel_size": [3, 3]}}""", "kernel_size")]
    [InlineData("""{"class_name": "DepthwiseConv1D", "config": {"name": "d", "kernel_size": 3, "depth_multiplier": 0}}""", "depth_multiplier")]
    [InlineData("""{"class_name": "DepthwiseConv1D", "config": {"name": "d", "kernel_size": 3, "strides": 2, "dilation_rate": 2}}""", "dilation_rate")]
    [InlineData("""{"class_name": "DepthwiseConv1D", "config": {"name": "d"}}""", "kernel_size")]
    [InlineData("""{"class_name": "SeparableConv1D", "config": {"name": "d", "filters": 2, "kernel_size": 3, "data_format": "channels_middle"}}""", "data_format")]
    [InlineData("""{"class_name": "SeparableConv1D", "config": {"name": "d", "filters": 2, "kernel_size": 3, "padding": "causal"}}""", "padding")]
    [InlineData("""{"class_name": "SeparableConv1D", "config": {"name": "d", "filters": 0, "kernel_size": 3}}""", "filters")]
    [InlineData("""{"class_name": "SeparableConv1D", "config": {"name": "d", "filters": 2, "kernel_size": 3, "depth_multiplier": null}}""", "depth_multiplier")]
    public void BadConfigsAreRefusedNamingTheLayerAndTheKey(string json, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(json)));
        Assert.Contains(key, e.Message);
        Assert.Contains(json.Contains("Separable") ? "SeparableConv1D" : "DepthwiseConv1D", e.Message);
    }

    [Fact]
    public void RefusalsFromCSharpSayWhatWasFound()
    {
        var causal = Assert.Throws<ArgumentException>(() => new SeparableConv1D(2, 3, padding: "causal", name: "s"));
        Assert.Contains("SeparableConv1D 's': 'padding' must be \"valid\" or \"same\", found \"causal\"", causal.Message);
        var multiplier = Assert.Throws<ArgumentException>(() => new DepthwiseConv1D(3, depthMultiplier: -1, name: "d"));
        Assert.Contains("DepthwiseConv1D 'd': 'depth_multiplier' must be a positive integer, found -1", multiplier.Message);
        var rank = Assert.Throws<ArgumentException>(() => new Sequential(new DepthwiseConv1D(3, inputShape: [8, 8, 2], name: "d")));
        Assert.Contains("rank 3", rank.Message);
        Assert.Contains("steps", rank.Message);
    }

    [Fact]
    public void WeightsHaveKerasNamesShapesCountsAndFans()
    {
        // SeparableConv1D(8, 3) on 4 channels: 3·4·1 + 1·4·8 + 8 = 52 parameters (Keras's count).
        var separable = new SeparableConv1D(8, 3, name: "sep");
        separable.Build([10, 4]);
        Assert.Equal(52, separable.CountParams());
        Assert.Equal(["sep/depthwise_kernel", "sep/pointwise_kernel", "sep/bias"], separable.Weights.Select(w => w.Name));
        Assert.Equal([[3, 4, 1], [1, 4, 8], [8]], separable.Weights.Select(w => w.Shape));
        var depthwise = new DepthwiseConv1D(3, depthMultiplier: 2, name: "dw");
        depthwise.Build([10, 4]);
        Assert.Equal(3 * 4 * 2 + 8, depthwise.CountParams());
        Assert.Equal(["dw/depthwise_kernel", "dw/bias"], depthwise.Weights.Select(w => w.Name));
        Assert.Equal([[3, 4, 2], [8]], depthwise.Weights.Select(w => w.Shape));
        // Keras's compute_fans (keras/src/initializers/random_initializers.py) on a 3-D shape: receptive field = shape[0],
        // fan_in = shape[1]·field, fan_out = shape[2]·field. [3, 4, 2]: (12, 6); [3, 4, 1]: (12, 3); [1, 4, 8]: (4, 8).
        Assert.Equal((12, 6), (depthwise.Kernels.Single().FanIn, depthwise.Kernels.Single().FanOut));
        Assert.Equal([(12, 3), (4, 8)], separable.Kernels.Select(k => (k.FanIn, k.FanOut)));
        double limit = Math.Sqrt(6.0 / (12 + 6));
        Assert.All(depthwise.DepthwiseKernel.Data, w => Assert.InRange(w, -limit, limit));
        // Keras 3's .keras files address the layers by their snake_case class names.
        Assert.Equal("depthwise_conv1d", LayerNames.SnakeCase("DepthwiseConv1D"));
        Assert.Equal("separable_conv1d", LayerNames.SnakeCase("SeparableConv1D"));
    }

    [Fact]
    public void ObserveGivesThePreActivationWithChannelsLast()
    {
        var layer = new SeparableConv1D(3, 3, activation: "relu");
        layer.Build([6, 2]);
        var output = layer.Call(GradientCheck.Random(2, -1, 1, 2, 6, 2), training: false);
        var activity = layer.Observe(output);
        Assert.Equal(("relu", 2), (activity.Activation!.Name, activity.UnitAxis));
        Assert.Equal([2, 4, 3], activity.PreActivation!.Shape);
        for (int i = 0; i < output.Size; i++) Assert.Equal(Math.Max(0, activity.PreActivation.Data[i]), output.Data[i]);
    }

    private static Sequential SequenceModel() => new(
        new DepthwiseConv1D(3, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: [9, 2], name: "dw"),
        new SeparableConv1D(4, 3, strides: 2, padding: "same", depthMultiplier: 2, name: "sep"),
        new GlobalAveragePooling1D(),
        new Dense(2));

    [Theory]
    [InlineData("model.keras")]
    [InlineData("model.h5")]
    public void ASequenceModelSavesAndLoads(string file)
    {
        Utils.SetRandomSeed(4);
        var model = SequenceModel();
        foreach (var bias in model.Layers.OfType<BaseDepthwiseConv>().Select(l => l.Bias!)) bias.Data.AsSpan().Fill(0.1f);
        using var folder = new TempFolder();
        var x = GradientCheck.Random(2, -1, 1, 3, 9, 2);
        model.Save(folder.File(file));
        var loaded = Model.Load(folder.File(file));
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal(["DepthwiseConv1D", "SeparableConv1D", "GlobalAveragePooling1D", "Dense"],
            loaded.Layers.Where(l => l is not InputLayer).Select(l => l.ClassName));
        model.SaveWeights(folder.File("model.weights.h5"));
        Utils.SetRandomSeed(5);
        var other = SequenceModel();
        Assert.NotEqual(model.Predict(x).Data, other.Predict(x).Data);
        other.LoadWeights(folder.File("model.weights.h5"));
        Assert.Equal(model.Predict(x).Data, other.Predict(x).Data);
    }

    [Fact]
    public void AManifestNamingTheDepthwiseKernelAsKeras3DoesLoads()
    {
        // Keras 3 creates DepthwiseConv1D's kernel as "kernel" (base_depthwise_conv.py) and SeparableConv1D's as
        // "depthwise_kernel" (base_separable_conv.py): a TensorFlow.js conversion of a Keras 3 model writes "dw/kernel".
        Utils.SetRandomSeed(6);
        var model = SequenceModel();
        using var folder = new TempFolder();
        string path = folder.File("model.json");
        model.Save(path);
        string written = File.ReadAllText(path);
        Assert.Contains("\"dw/depthwise_kernel\"", written);
        Assert.Contains("\"sep/depthwise_kernel\"", written);
        File.WriteAllText(path, written.Replace("\"dw/depthwise_kernel\"", "\"dw/kernel\""));
        var x = GradientCheck.Random(7, -1, 1, 2, 9, 2);
        Assert.Equal(model.Predict(x).Data, Model.Load(path).Predict(x).Data);
    }

    [Fact]
    public void ExportedModelsMatchPredictInOnnxRuntime()
    {
        Utils.SetRandomSeed(8);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(
            new DepthwiseConv1D(3, strides: 2, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: [10, 3]),
            new SeparableConv1D(4, 2, padding: "same", depthMultiplier: 2, activation: "tanh"),
            new DepthwiseConv1D(2, dilationRate: 2, biasInitializer: "random_normal"),
            new SeparableConv1D(2, 3, useBias: false)));
    }

    [Fact]
    public void ASeparableSequenceModelLearnsQuickly()
    {
        // Which of two channels holds a short bump, at any position of a noisy sequence of 16 steps.
        Utils.SetRandomSeed(2);
        const int samples = 64, steps = 16;
        var rng = new RandomGenerator(3);
        var x = new Tensor(samples, steps, 2);
        var y = new Tensor(samples, 2);
        for (int n = 0; n < samples; n++)
        {
            int label = n % 2, at = 2 + (int)(rng.Uniform(0, 1) * 11);
            y.Data[n * 2 + label] = 1;
            for (int t = 0; t < steps; t++)
                for (int c = 0; c < 2; c++)
                    x.Data[(n * steps + t) * 2 + c] = (float)(0.1 * rng.Uniform(-1, 1) + (c == label && Math.Abs(t - at) <= 1 ? 1 : 0));
        }
        var model = new Sequential(
            new SeparableConv1D(8, 3, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: [steps, 2]),
            new GlobalMaxPooling1D(),
            new Dense(2, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy", metrics: ["accuracy"]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var history = model.Fit(x, y, epochs: 150, batchSize: 16, verbose: 0);
        Assert.True(watch.Elapsed.TotalSeconds < 5, $"{watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(history["loss"][^1] < 0.3 * history["loss"][0], $"loss {history["loss"][0]:G4} -> {history["loss"][^1]:G4}");
        Assert.True(history["accuracy"][^1] > 0.95, $"accuracy {history["accuracy"][^1]:G4}");
    }
}
