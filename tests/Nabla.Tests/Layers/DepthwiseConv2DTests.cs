using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>DepthwiseConv2D: Keras's defaults, shapes, configs, weight names, refusals, the layer contract, training.</summary>
public class DepthwiseConv2DTests
{
    [Theory]
    [InlineData(10, 10, 4, 3, 1, "valid", 1, 1, 8, 8, 4)]
    [InlineData(10, 10, 4, 3, 1, "valid", 2, 1, 8, 8, 8)] // channels × depth_multiplier
    [InlineData(7, 7, 3, 3, 2, "same", 1, 1, 4, 4, 3)] // ceil(7 / 2)
    [InlineData(8, 8, 3, 3, 2, "valid", 3, 1, 3, 3, 9)]
    [InlineData(9, 9, 2, 3, 1, "valid", 1, 2, 5, 5, 2)] // dilated window of 5
    public void OutputShapes(int h, int w, int c, int k, int stride, string padding, int multiplier, int dilation, int oh, int ow, int oc)
    {
        var layer = new DepthwiseConv2D(k, strides: stride, padding: padding, depthMultiplier: multiplier, dilationRate: dilation,
            inputShape: [h, w, c]);
        layer.Build([h, w, c]);
        Assert.Equal([oh, ow, oc], layer.OutputShape!);
        Assert.Equal([oh, ow, oc], layer.Call(new Tensor(2, h, w, c), training: false).Shape[1..]);
        Assert.Equal([k, k, c, multiplier], layer.DepthwiseKernel.Shape);
        Assert.Equal(k * k * c * multiplier + c * multiplier, layer.CountParams());
    }

    [Fact]
    public void KerasDefaults()
    {
        // keras/src/layers/convolutional/depthwise_conv2d.py, DepthwiseConv2D.__init__: strides=(1, 1), padding="valid",
        // depth_multiplier=1, data_format=None (channels_last unless keras.json says otherwise), dilation_rate=(1, 1),
        // activation=None, use_bias=True, depthwise_initializer="glorot_uniform", bias_initializer="zeros", and None for
        // the regularizers and constraints.
        var layer = new DepthwiseConv2D(3);
        Assert.Equal(new Size2D(1, 1), layer.Strides);
        Assert.Equal("valid", layer.Padding);
        Assert.Equal(1, layer.DepthMultiplier);
        Assert.Equal(new Size2D(1, 1), layer.DilationRate);
        Assert.Equal("linear", layer.Activation.Name);
        Assert.True(layer.UseBias);
        Assert.IsType<GlorotUniform>(layer.DepthwiseInitializer);
        Assert.IsType<Zeros>(layer.BiasInitializer);
        Assert.Null(layer.DepthwiseRegularizer);
        Assert.Null(layer.BiasRegularizer);
        var config = layer.GetConfig();
        Assert.Equal("channels_last", config["data_format"]);
        // The same defaults when a config leaves the keys out.
        var read = (DepthwiseConv2D)Layer.Deserialize(Config.Parse(
            """{"class_name": "DepthwiseConv2D", "config": {"name": "d", "kernel_size": 3}}"""));
        var readConfig = read.GetConfig();
        config.Remove("name");
        readConfig.Remove("name");
        Assert.Equal(config.ToJsonString(), readConfig.ToJsonString());
    }

    [Fact]
    public void WritesKeras3KeysInKerasOrder()
    {
        // BaseDepthwiseConv.get_config (keras/src/layers/convolutional/base_depthwise_conv.py) after Layer's name,
        // trainable and dtype.
        var config = new DepthwiseConv2D((3, 5), strides: 2, padding: "same", depthMultiplier: 2, activation: "relu").GetConfig();
        Assert.Equal(["name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding", "data_format",
            "dilation_rate", "activation", "use_bias", "depthwise_initializer", "bias_initializer", "depthwise_regularizer",
            "bias_regularizer", "activity_regularizer", "depthwise_constraint", "bias_constraint"], config.Keys);
        Assert.Equal(2L, config["depth_multiplier"]);
        Assert.Equal(new List<object?> { 3L, 5L }, config["kernel_size"]);
        Assert.Equal(new List<object?> { 2L, 2L }, config["strides"]);
        Assert.Equal(new List<object?> { 1L, 1L }, config["dilation_rate"]);
        Assert.Equal("same", config["padding"]);
        Assert.Equal("relu", config["activation"]);
    }

    public static TheoryData<DepthwiseConv2D> Layers => new()
    {
        new DepthwiseConv2D(3),
        new DepthwiseConv2D((3, 5), strides: (2, 1), padding: "same", depthMultiplier: 3, activation: "relu", useBias: false,
            depthwiseInitializer: "he_normal", biasInitializer: "ones", depthwiseRegularizer: "l2", biasRegularizer: "l1",
            inputShape: [12, 12, 3], name: "dw"),
        new DepthwiseConv2D(3, dilationRate: (2, 2), activation: "relu6"),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConfigsRoundTrip(DepthwiseConv2D layer)
    {
        var spec = Registry<Layer>.Serialize(layer);
        Assert.Equal("DepthwiseConv2D", spec.GetString("class_name"));
        var back = Assert.IsType<DepthwiseConv2D>(Layer.Deserialize(Config.Parse(spec.ToJsonString())));
        Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(back).ToJsonString());
    }

    [Fact]
    public void Keras2AndKeras3ConfigFormsLoad()
    {
        var model = KerasModelJson.FromJson("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "DepthwiseConv2D", "config": {"name": "dw2", "batch_input_shape": [null, 8, 8, 3], "kernel_size": 3,
             "strides": [1, 1], "padding": "same", "depth_multiplier": 2, "data_format": "channels_last", "dilation_rate": 1,
             "activation": "relu", "use_bias": true,
             "depthwise_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1, "mode": "fan_avg", "distribution": "uniform", "seed": null}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "depthwise_regularizer": null, "bias_regularizer": null,
             "activity_regularizer": null, "depthwise_constraint": null, "bias_constraint": null}},
          {"module": "keras.layers", "class_name": "DepthwiseConv2D", "registered_name": null, "config": {"name": "dw3",
             "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
             "depth_multiplier": 1, "kernel_size": [3, 3], "strides": [2, 2], "padding": "valid", "data_format": "channels_last",
             "dilation_rate": [1, 1], "activation": "linear", "use_bias": false,
             "depthwise_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
             "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
             "depthwise_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
             "depthwise_constraint": null, "bias_constraint": null}}
        ]}}
        """);
        var (first, second) = (Assert.IsType<DepthwiseConv2D>(model.Layers[0]), Assert.IsType<DepthwiseConv2D>(model.Layers[1]));
        Assert.Equal([8, 8, 6], first.OutputShape!);
        Assert.Equal(("relu", 2), (first.Activation.Name, first.DepthMultiplier));
        Assert.Equal([3, 3, 6], second.OutputShape!);
        Assert.Null(second.Bias);
        Assert.Equal(3 * 3 * 3 * 2 + 6 + 3 * 3 * 6, model.CountParams());
    }

    [Fact]
    public void WeightsAreNamedAsKerasNamesThem()
    {
        // Keras 2 and tf.keras name the kernel "depthwise_kernel" (legacy .h5 weight_names, TensorFlow.js manifests,
        // optimizer slots such as "Adam/depthwise_conv2d/depthwise_kernel/m:0"); the bias is "bias".
        var layer = new DepthwiseConv2D(3, depthMultiplier: 2, name: "dw");
        layer.Build([6, 6, 4]);
        Assert.Equal(["dw/depthwise_kernel", "dw/bias"], layer.Weights.Select(w => w.Name));
        Assert.Equal([3, 3, 4, 2], layer.Weights[0].Shape);
        Assert.Equal([8], layer.Weights[1].Shape);
        // Keras 3's .keras weights are addressed by the snake_case class, "layers/depthwise_conv2d/vars/0".
        Assert.StartsWith("depthwise_conv2d", new DepthwiseConv2D(3).Name);
        Assert.Equal("depthwise_conv2d", LayerNames.SnakeCase("DepthwiseConv2D"));
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    [InlineData(".json")]
    public void ASavedModelLoadsAndPredictsTheSame(string extension)
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(
            new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: [6, 6, 2]),
            new DepthwiseConv2D(3, strides: 2, biasInitializer: "ones"),
            new GlobalAveragePooling2D(),
            new Dense(2, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy");
        string folder = Path.Combine(Path.GetTempPath(), $"nabla-dw-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "model" + extension);
            model.Save(path);
            var restored = Model.Load(path);
            Assert.Equal(2, restored.Layers.OfType<DepthwiseConv2D>().Count());
            var x = GradientCheck.Random(2, 0, 1, 3, 6, 6, 2);
            Assert.Equal(model.Predict(x).Data, restored.Predict(x).Data);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ATensorFlowJsManifestNamingTheKernelAsKeras3DoesLoads()
    {
        // Keras 3 creates the depthwise kernel as "kernel" (base_depthwise_conv.py), so its conversions write "dw/kernel".
        Utils.SetRandomSeed(5);
        var model = new Sequential(
            new DepthwiseConv2D(3, depthMultiplier: 2, name: "dw", inputShape: [5, 5, 2]),
            new GlobalAveragePooling2D(),
            new Dense(2));
        string folder = Path.Combine(Path.GetTempPath(), $"nabla-dw-tfjs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "model.json");
            model.Save(path);
            string written = File.ReadAllText(path);
            Assert.Contains("\"dw/depthwise_kernel\"", written);
            File.WriteAllText(path, written.Replace("\"dw/depthwise_kernel\"", "\"dw/kernel\""));
            var x = GradientCheck.Random(6, 0, 1, 2, 5, 5, 2);
            Assert.Equal(model.Predict(x).Data, Model.Load(path).Predict(x).Data);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OnnxExportWritesItAsAConvWithOneGroupPerChannel()
    {
        // Predictions against ONNX Runtime: Serialization/OnnxExportTests.DepthwiseSeparableAndTransposedConvolutionsMatchPredict.
        var model = new Sequential(new DepthwiseConv2D(3, inputShape: [6, 6, 2], name: "dw"));
        string path = Path.Combine(Path.GetTempPath(), $"nabla-dw-{Guid.NewGuid():N}.onnx");
        try
        {
            model.Export(path);
            var graph = Nabla.Serialization.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
            var conv = graph.Node.Single(n => n.OpType == "Conv");
            Assert.Equal(2, conv.Attribute.Single(a => a.Name == "group").I);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnsupportedOptionsAreRefusedByName()
    {
        Assert.Contains("data_format", Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(3, dataFormat: "NCHW")).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(3, padding: "causal")).Message);
        Assert.Contains("depth_multiplier", Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(3, depthMultiplier: 0)).Message);
        Assert.Contains("kernel_size", Assert.Throws<ArgumentException>(() => new DepthwiseConv2D((0, 3))).Message);
        Assert.Contains("dilation_rate", Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(3, strides: 2, dilationRate: 2)).Message);
        var missing = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse("""{"class_name": "DepthwiseConv2D", "config": {"name": "d"}}""")));
        Assert.Contains("kernel_size", missing.Message);
        var rank = Assert.Throws<ArgumentException>(() => new Sequential(new DepthwiseConv2D(3, inputShape: [28, 28], name: "d")));
        Assert.Contains("'d'", rank.Message);
        Assert.Contains("rank 4", rank.Message);
    }

    [Fact]
    public void TheKernelReportsKerasFans()
    {
        // Keras's compute_fans (keras/src/initializers/random_initializers.py) on the 4-D shape [3, 3, 4, 2]: receptive
        // field 3·3 = 9 (the product of all but the last two axes), fan_in = 9·4 = 36 (shape[-2], the channels),
        // fan_out = 9·2 = 18 (shape[-1], the depth multiplier).
        var layer = new DepthwiseConv2D(3, depthMultiplier: 2, inputShape: [8, 8, 4]);
        layer.Build([8, 8, 4]);
        var kernel = Assert.Single(layer.Kernels);
        Assert.Same(layer.DepthwiseKernel, kernel.Weight);
        Assert.Equal((36, 18), (kernel.FanIn, kernel.FanOut));
        // glorot_uniform's limit is √(6 / (fan_in + fan_out)).
        double limit = Math.Sqrt(6.0 / (36 + 18));
        Assert.All(layer.DepthwiseKernel.Data, w => Assert.InRange(w, -limit, limit));
    }

    [Fact]
    public void ObserveGivesThePreActivationWithChannelsLast()
    {
        var layer = new DepthwiseConv2D(3, depthMultiplier: 2, activation: "relu", inputShape: [5, 5, 2]);
        var output = layer.Call(GradientCheck.Random(1, -1, 1, 2, 5, 5, 2), training: false);
        var activity = layer.Observe(output);
        Assert.Equal("relu", activity.Activation!.Name);
        Assert.Equal(3, activity.UnitAxis);
        Assert.Equal([2, 3, 3, 4], activity.PreActivation!.Shape);
        for (int i = 0; i < output.Size; i++) Assert.Equal(Math.Max(0, activity.PreActivation.Data[i]), output.Data[i]);
    }

    [Fact]
    public void FrozenLayerRequestsNoGradientAndRegularizersGivePenalties()
    {
        var frozen = new DepthwiseConv2D(3) { Trainable = false };
        frozen.Build([4, 4, 1]);
        Assert.False(frozen.DepthwiseKernel.RequiresGrad);
        Assert.False(frozen.Bias!.RequiresGrad);
        var regularized = new DepthwiseConv2D(3, depthwiseRegularizer: "l1", biasRegularizer: "l2");
        regularized.Build([4, 4, 1]);
        Assert.Equal(2, regularized.PenaltyLosses().Count());
    }

    /// <summary>Three classes of 8×8×2 images: a bright blob top-left, bottom-right or top-right, in one channel or the
    /// other, with noise; and a MobileNet-style model (depthwise, then a 1×1 Conv2D) for them.</summary>
    private static (Tensor X, Tensor Y, Sequential Model) BlobTask()
    {
        Utils.SetRandomSeed(5);
        const int samples = 96, size = 8, classes = 3;
        var rng = new RandomGenerator(11);
        var x = new Tensor(samples, size, size, 2);
        var y = new Tensor(samples, classes);
        (int Row, int Col)[] centres = [(2, 2), (5, 5), (2, 5)];
        for (int n = 0; n < samples; n++)
        {
            int label = n % classes, channel = n / classes % 2;
            y.Data[n * classes + label] = 1f;
            for (int r = 0; r < size; r++)
                for (int c = 0; c < size; c++)
                {
                    double d2 = Math.Pow(r - centres[label].Row, 2) + Math.Pow(c - centres[label].Col, 2);
                    int at = ((n * size + r) * size + c) * 2;
                    x.Data[at + channel] = (float)(Math.Exp(-d2 / 2) + 0.1 * rng.Uniform(-1, 1));
                    x.Data[at + 1 - channel] = (float)(0.1 * rng.Uniform(-1, 1));
                }
        }
        var model = new Sequential(
            new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: [size, size, 2], name: "dw1"),
            new Conv2D(8, 1, activation: "relu", name: "pw"),
            new DepthwiseConv2D(3, strides: 2, padding: "same", activation: "relu", name: "dw2"),
            new Flatten(),
            new Dense(classes, activation: "softmax", name: "out"));
        model.Compile("adam", "categorical_crossentropy", metrics: ["accuracy"]);
        return (x, y, model);
    }

    [Fact]
    public void AModelWithDepthwiseConvolutionsLearns()
    {
        var (x, y, model) = BlobTask();
        var history = model.Fit(x, y, epochs: 30, batchSize: 16, verbose: 0);
        double first = history["loss"][0], last = history["loss"][^1];
        Assert.True(last < 0.3 * first, $"loss {first:G4} -> {last:G4}");
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]:G4}");
    }

    [Fact]
    public void TheDoctorWatchesItsKernelAndActivation()
    {
        // The doctor knows the layer only through the contract: a kernel with fans, a fused activation to observe.
        // (Its config-editing repairs find kernel layers by "kernel_initializer", which a depthwise layer does not have.)
        var (x, y, model) = BlobTask();
        var doctor = new Nabla.Doctor.TrainingDoctor();
        model.Fit(x, y, epochs: 30, batchSize: 16, callbacks: [doctor], verbose: 0);
        // The run that learns (AModelWithDepthwiseConvolutionsLearns) is healthy: no finding, no false alarm.
        Assert.Empty(doctor.Diagnosis.Findings.Select(f => $"{f.Code} {f.Layer}: {f.Message}"));
        var layers = doctor.Diagnosis.GradientFlow.SelectMany(b => b.Layers).ToList();
        Assert.Equal(["dw1", "pw", "dw2", "out"], layers.Select(l => l.Layer));
        Assert.All(layers, l => Assert.True(l.MedianGradientNorm > 0 && double.IsFinite(l.MedianGradientNorm), $"{l.Layer}: {l.MedianGradientNorm}"));
    }
}
