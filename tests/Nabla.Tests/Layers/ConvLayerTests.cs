using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Configuration;

namespace Nabla.Tests.Layers;

/// <summary>Conv1D/Conv2D: Keras's defaults, shapes, weight layout, refusals.</summary>
public class ConvLayerTests
{
    /// <summary>Keras's "simple MNIST convnet" (keras.io/examples/vision/mnist_convnet), whose model.summary() prints
    /// these shapes and counts: 320, 18,496 and 16,010 parameters, 34,826 in total. It is the network the CNN bench
    /// times, so these counts also pin what is timed.</summary>
    internal static Sequential MnistConvnet() => Nabla.Cli.Bench.EpochTimer.SimpleMnistConvnet();

    [Fact]
    public void TheMnistConvnetHasKerasShapesAndParameterCounts()
    {
        var model = MnistConvnet();
        int[][] shapes = [[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [1600], [1600], [10]];
        int[] counts = [320, 0, 18_496, 0, 0, 0, 16_010];
        for (int i = 0; i < shapes.Length; i++)
        {
            Assert.Equal(shapes[i], model.Layers[i].OutputShape!);
            Assert.Equal(counts[i], model.Layers[i].CountParams());
        }
        string summary = model.Summary(TextWriter.Null);
        Assert.Contains("Total params: 34,826", summary);
        Assert.Contains("(None, 26, 26, 32)", summary);
        Assert.Contains("(None, 5, 5, 64)", summary);
    }

    [Fact]
    public void WeightsAreInKerasLayoutWithKerasDefaults()
    {
        var conv = new Conv2D(8, (3, 5), inputShape: [10, 12, 3]);
        conv.Build([10, 12, 3]);
        Assert.Equal([3, 5, 3, 8], conv.Kernel.Shape);
        Assert.Equal([8], conv.Bias!.Shape);
        // Keras: kernel_initializer="glorot_uniform", bias_initializer="zeros", padding="valid", strides 1, no activation.
        Assert.IsType<GlorotUniform>(conv.KernelInitializer);
        Assert.IsType<Zeros>(conv.BiasInitializer);
        Assert.Equal("valid", conv.Padding);
        Assert.Equal(new Size2D(1, 1), conv.Strides);
        Assert.Equal("linear", conv.Activation.Name);
        Assert.All(conv.Bias.Data, b => Assert.Equal(0f, b));

        var conv1d = new Conv1D(4, 3, inputShape: [20, 2]);
        conv1d.Build([20, 2]);
        Assert.Equal([3, 2, 4], conv1d.Kernel.Shape);
        Assert.Equal([18, 4], conv1d.OutputShape!);
    }

    [Fact]
    public void GlorotBoundsUseTheReceptiveFieldFans()
    {
        // Keras's compute_fans (keras/src/initializers/random_initializers.py): for a kernel [3, 3, 32, 64] the
        // receptive field is 9, fan_in = 9·32 = 288 and fan_out = 9·64 = 576; glorot_uniform's limit is √(6 / (288 + 576)).
        Assert.Equal((288, 576), Initializer.ComputeFans([3, 3, 32, 64]));
        Assert.Equal((15, 40), Initializer.ComputeFans([5, 3, 8])); // Conv1D [k, in, out]
        var conv = new Conv2D(64, 3, inputShape: [11, 11, 32]);
        conv.Build([11, 11, 32]);
        double limit = Math.Sqrt(6.0 / (288 + 576));
        Assert.All(conv.Kernel.Data, w => Assert.InRange(w, -limit, limit));
        Assert.True(conv.Kernel.Data.Max() > 0.9 * limit);
        var he = new Conv2D(64, 3, kernelInitializer: "he_normal", inputShape: [11, 11, 32]);
        he.Build([11, 11, 32]);
        double std = Math.Sqrt(he.Kernel.Data.Select(w => (double)w * w).Average());
        // he_normal: VarianceScaling(2, fan_in, truncated_normal), whose stddev Keras corrects for the truncation,
        // so the values' standard deviation is √(2 / fan_in) = √(2/288) ≈ 0.0833 (18,432 samples: within 3%).
        Assert.InRange(std, 0.0833 * 0.97, 0.0833 * 1.03);
    }

    [Theory]
    [InlineData("valid", 8)]
    [InlineData("same", 10)]
    [InlineData("causal", 10)]
    public void Conv1DPaddingModes(string padding, int steps)
    {
        var conv = new Conv1D(2, 3, padding: padding, inputShape: [10, 1]);
        conv.Build([10, 1]);
        Assert.Equal([steps, 2], conv.OutputShape!);
    }

    [Fact]
    public void UnsupportedOptionsAreRefusedByName()
    {
        Assert.Contains("data_format", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, dataFormat: "NCHW")).Message);
        Assert.Contains("evenly divisible by the number of groups", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, groups: 3)).Message);
        Assert.Contains("'groups' must be a positive integer", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, groups: 0)).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "causal")).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "full")).Message);
        Assert.Contains("kernel_size", Assert.Throws<ArgumentException>(() => new Conv2D(4, (0, 3))).Message);
        Assert.Contains("filters", Assert.Throws<ArgumentException>(() => new Conv2D(0, 3)).Message);
        Assert.Contains("dilation_rate", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, strides: 2, dilationRate: 2)).Message);
        Assert.Contains("data_format", Assert.Throws<ArgumentException>(() => new MaxPooling2D(dataFormat: "NCHW")).Message);
    }

    [Fact]
    public void WrongInputRankOrTooSmallInputNamesTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Conv2D(4, 3, inputShape: [28, 28], name: "c")));
        Assert.Contains("'c'", e.Message);
        Assert.Contains("rank 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Sequential(new Conv2D(4, 5, inputShape: [3, 3, 1], name: "small")));
        Assert.Contains("small", e.Message);
    }

    [Fact]
    public void KernelRegularizerPenaltyIsAddedToTheLoss()
    {
        Utils.SetRandomSeed(1);
        var x = Nabla.Tests.TestSupport.GradientCheck.Random(1, 0, 1, 4, 6, 6, 1);
        var y = OneHot(4, 2);
        var plain = new Sequential(new Conv2D(2, 3, inputShape: [6, 6, 1], name: "c"), new Flatten(), new Dense(2, activation: "softmax"));
        var weights = plain.GetWeights();
        plain.Compile(optimizer: "sgd", loss: "categorical_crossentropy");
        double lossPlain = plain.Evaluate(x, y)["loss"];
        var regularized = new Sequential(new Conv2D(2, 3, kernelRegularizer: "l2", inputShape: [6, 6, 1], name: "c2"), new Flatten(),
            new Dense(2, activation: "softmax"));
        regularized.SetWeights(weights);
        regularized.Compile(optimizer: "sgd", loss: "categorical_crossentropy");
        double penalty = 0.01 * weights[0].Data.Sum(w => (double)w * w); // Keras's l2 default factor is 0.01
        Assert.Equal(lossPlain + penalty, regularized.Evaluate(x, y)["loss"], 1e-4);
    }

    private static Tensor OneHot(int rows, int classes)
    {
        var y = new Tensor(rows, classes);
        for (int i = 0; i < rows; i++) y.Data[i * classes + i % classes] = 1f;
        return y;
    }
}
