using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Conv3DTranspose as Keras configures, saves, summarizes and exports it, and a small volume decoder learned.</summary>
public class Conv3DTransposeModelTests
{
    private static Layer FromJson(string json) => Layer.Deserialize(Config.Parse(json));

    private static List<object?> Longs(params long[] values) => values.Cast<object?>().ToList();

    [Fact]
    public void ConfigsHoldKerasKeysAndDefaults()
    {
        // keras/src/layers/convolutional/conv3d_transpose.py: strides=(1, 1, 1), padding="valid", data_format=None,
        // dilation_rate=(1, 1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
        // bias_initializer="zeros"; keras/src/layers/convolutional/base_conv_transpose.py: output_padding=None, and
        // get_config's order (no "groups"). Nabla also writes output_padding, after dilation_rate, as its Conv2DTranspose
        // does (Keras's constructor takes it through **kwargs).
        var read = Assert.IsType<Conv3DTranspose>(FromJson("""{"class_name": "Conv3DTranspose", "config": {"filters": 2, "kernel_size": 3}}"""));
        Assert.Equal((new Size3D(1, 1, 1), "valid", new Size3D(1, 1, 1), "linear", true),
            (read.Strides, read.Padding, read.DilationRate, read.Activation.Name, read.UseBias));
        Assert.Equal(("GlorotUniform", "Zeros"), (read.KernelInitializer.ClassName, read.BiasInitializer.ClassName));
        Assert.Null(read.OutputPadding);
        Assert.Equal(new Size3D(3, 3, 3), read.KernelSize);
        var config = new Conv3DTranspose(8, 3).GetConfig();
        Assert.Equal(
            ["name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "output_padding",
             "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
             "activity_regularizer", "kernel_constraint", "bias_constraint"],
            config.Keys.Where(k => k is not ("batch_input_shape" or "batch_shape")).ToArray());
        Assert.Equal(Longs(3, 3, 3), config["kernel_size"]);
        Assert.Equal(Longs(1, 1, 1), config["strides"]);
        Assert.Equal(Longs(1, 1, 1), config["dilation_rate"]);
        Assert.Equal("channels_last", config["data_format"]);
        Assert.Null(config["output_padding"]);
    }

    public static TheoryData<Layer> Layers => new()
    {
        new Conv3DTranspose(4, (3, 2, 1), (2, 1, 3), "same", activation: "relu", useBias: false, kernelInitializer: "he_normal",
            inputShape: [4, 5, 6, 2], name: "up", outputPadding: (1, 0, 2)),
        new Conv3DTranspose(2, 3, dilationRate: (2, 1, 2)),
        new Conv3DTranspose(3, 2, 2, kernelRegularizer: Nabla.Regularizers.Regularizer.Get("l2"), activation: Nabla.Activations.Activation.Get("tanh"),
            padding: "valid", dilationRate: 1, useBias: true, kernelInitializer: Nabla.Initializers.Initializer.Get("ones"),
            biasInitializer: Nabla.Initializers.Initializer.Get("zeros")) { KernelConstraint = new Nabla.Constraints.MaxNorm(2) },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConfigsRoundTripThroughTheRegistry(Layer layer) => ConvConfigTests.RoundTrip(layer);

    [Fact]
    public void KerasConfigsLoadInEveryFormAndBadOnesAreRefusedByName()
    {
        // The Keras alias, one int for every axis, and an int output_padding.
        var alias = Assert.IsType<Conv3DTranspose>(FromJson(
            """{"class_name": "Convolution3DTranspose", "config": {"filters": 2, "kernel_size": [1, 2, 3], "strides": 2, "output_padding": 1}}"""));
        Assert.Equal((new Size3D(1, 2, 3), new Size3D(2, 2, 2), (Size3D?)new Size3D(1, 1, 1)), (alias.KernelSize, alias.Strides, alias.OutputPadding));
        Assert.Contains("\"output_padding\":[1,1,1]", alias.GetConfig().ToJsonString().Replace(" ", ""));
        // keras/src/layers/convolutional/base_conv_transpose.py: "`output_padding` must be < `strides`" on every axis.
        var padding = Assert.Throws<ArgumentException>(() => FromJson(
            """{"class_name": "Conv3DTranspose", "config": {"name": "t", "filters": 2, "kernel_size": 3, "strides": [2, 2, 1], "output_padding": [1, 1, 1]}}"""));
        Assert.Contains("Conv3DTranspose 't'", padding.Message);
        Assert.Contains("found output_padding (1, 1, 1) with strides (2, 2, 1)", padding.Message);
        Assert.Contains("must be at least 0", Assert.Throws<ArgumentException>(() => new Conv3DTranspose(2, 3, 2, outputPadding: (0, -1, 0))).Message);
        // The same file: "`strides > 1` not supported in conjunction with `dilation_rate > 1`".
        Assert.Contains("cannot both exceed 1", Assert.Throws<ArgumentException>(() => new Conv3DTranspose(2, 3, (1, 1, 2), dilationRate: (2, 1, 1))).Message);
        // A data_format other than Keras's two is refused by name.
        var first = Assert.Throws<ArgumentException>(() => FromJson(
            """{"class_name": "Conv3DTranspose", "config": {"name": "t", "filters": 2, "kernel_size": 3, "data_format": "channels_middle"}}"""));
        Assert.Contains("'data_format'", first.Message);
        var size = Assert.Throws<ArgumentException>(() => FromJson(
            """{"class_name": "Conv3DTranspose", "config": {"name": "t", "filters": 2, "kernel_size": [3, 3]}}"""));
        Assert.Contains("'kernel_size' must hold 3 integer(s)", size.Message);
        Assert.Contains("'padding' must be \"valid\" or \"same\"", Assert.Throws<ArgumentException>(() => new Conv3DTranspose(2, 3, padding: "causal")).Message);
        Assert.Contains("[batch, depth, height, width, channels]",
            Assert.Throws<ArgumentException>(() => new Conv3DTranspose(2, 3).ComputeOutputShape([4, 4, 1])).Message);
    }

    [Fact]
    public void SummaryShowsKerasShapesAndParameterCounts()
    {
        // The kernel [kd, kh, kw, filters, in]: Conv3DTranspose(8, 3) on 4 channels has 3·3·3·8·4 + 8 = 872 parameters;
        // "same" with strides (2, 1, 2) gives input·stride on each axis.
        var model = new Sequential(
            new Conv3DTranspose(8, 3, (2, 1, 2), "same", inputShape: [3, 4, 5, 4]),
            new Conv3DTranspose(2, (2, 3, 1), 1, "valid", useBias: false));
        Assert.Equal([6, 4, 10, 8], model.Layers[0].OutputShape!);
        Assert.Equal(872, model.Layers[0].CountParams());
        Assert.Equal([7, 6, 10, 2], model.Layers[1].OutputShape!);
        Assert.Equal(2 * 3 * 1 * 2 * 8, model.Layers[1].CountParams());
        string summary = model.Summary(TextWriter.Null);
        Assert.Contains("(None, 6, 4, 10, 8)", summary);
        Assert.Contains("(None, 7, 6, 10, 2)", summary);
        Assert.Contains("872", summary);
        Assert.Contains("Conv3DTranspose", summary);
    }

    [Theory]
    [InlineData("model.keras")]
    [InlineData("model.h5")]
    public void AVolumeDecoderSavesAndLoads(string file)
    {
        Utils.SetRandomSeed(4);
        Sequential Build() => new(
            new Conv3D(3, 2, 2, padding: "same", activation: "relu", inputShape: [4, 4, 6, 2]),
            new Conv3DTranspose(3, 3, 2, "same", activation: "relu", outputPadding: (1, 0, 1)),
            new Conv3DTranspose(2, 2, 1, "valid", useBias: false));
        var model = Build();
        using var folder = new TempFolder();
        var x = GradientCheck.Random(2, -1, 1, 3, 4, 4, 6, 2);
        model.Save(folder.File(file));
        var loaded = Model.Load(folder.File(file));
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal(model.Layers.Select(l => l.ClassName), loaded.Layers.Where(l => l is not InputLayer).Select(l => l.ClassName));
        model.SaveWeights(folder.File("model.weights.h5"));
        var other = Build();
        other.LoadWeights(folder.File("model.weights.h5"));
        Assert.Equal(model.Predict(x).Data, other.Predict(x).Data);
    }

    [Fact]
    public void ExportedToOnnxAsAThreeDimensionalConvTransposeItMatchesPredict()
    {
        // "valid" with a stride above the kernel and output_padding (ONNX's output_padding), "same" (ONNX's begin pads),
        // dilation, and a 1×1×1 kernel whose "same" window reaches past the full result.
        Utils.SetRandomSeed(9);
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(
            new Conv3DTranspose(3, (2, 3, 1), (3, 2, 2), "valid", activation: "relu", inputShape: [2, 3, 2, 2], outputPadding: (2, 1, 0)),
            new Conv3DTranspose(2, (3, 2, 3), (2, 1, 2), "same", biasInitializer: "ones"),
            new Conv3DTranspose(2, 3, 1, "same", dilationRate: (2, 1, 2), activation: "tanh"),
            new Conv3DTranspose(2, 1, 2, "same", biasInitializer: "ones", outputPadding: (1, 0, 1))));
    }

    [Fact]
    public void ATinyVolumeAutoencoderLearns()
    {
        // A bright 2×2×2 cube at one of eight corners of a dim 6×6×6 volume, encoded by a strided Conv3D and decoded by
        // Conv3DTranspose back to the volume: the reconstruction error falls far below that of any prediction ignoring the input.
        Utils.SetRandomSeed(3);
        const int samples = 32, size = 6;
        var random = new Random(7);
        var x = new Tensor(samples, size, size, size, 1);
        for (int n = 0; n < samples; n++)
        {
            int corner = n % 8, z0 = (corner & 1) * 4, y0 = (corner >> 1 & 1) * 4, x0 = (corner >> 2) * 4;
            for (int i = 0; i < size * size * size; i++) x.Data[n * size * size * size + i] = (float)(random.NextDouble() * 0.1);
            for (int z = z0; z < z0 + 2; z++)
                for (int r = y0; r < y0 + 2; r++)
                    for (int c = x0; c < x0 + 2; c++)
                        x.Data[n * size * size * size + (z * size + r) * size + c] = 0.9f;
        }
        var model = new Sequential(
            new Conv3D(8, 3, 2, padding: "same", activation: "relu", inputShape: [size, size, size, 1]),
            new Conv3DTranspose(8, 3, 2, "same", activation: "relu"),
            new Conv3D(1, 3, padding: "same"));
        Assert.Equal([size, size, size, 1], model.OutputShape!);
        model.Compile(new Nabla.Optimizers.Adam(0.01), "mse");
        var history = model.Fit(x, x, epochs: 30, batchSize: 8, verbose: 0);
        // The best prediction that ignores the input, each voxel's mean over the samples, is the bar to clear: below it,
        // the decoder puts the cube where the input has it.
        int cells = size * size * size;
        double baseline = 0;
        for (int i = 0; i < cells; i++)
        {
            double mean = Enumerable.Range(0, samples).Average(n => x.Data[n * cells + i]);
            baseline += Enumerable.Range(0, samples).Sum(n => Math.Pow(x.Data[n * cells + i] - mean, 2));
        }
        baseline /= samples * cells;
        Assert.True(history["loss"][^1] < 0.2 * baseline, $"loss {history["loss"][0]:G3} → {history["loss"][^1]:G3}, baseline {baseline:G3}");
    }
}
