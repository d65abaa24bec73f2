using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's Conv2DTranspose (keras/src/layers/convolutional/conv2d_transpose.py): output sizes from Keras's
/// deconv_output_length, values written out on small cases, finite differences and configs.</summary>
[Collection(nameof(Nabla.Tests.Kernels.KernelSettingsTests))]
public class Conv2DTransposeTests
{
    [Fact]
    public void OneThreadAndTwoGiveTheSameBits()
    {
        // 16 samples of 8x8 inputs with a 3x3 kernel over 8 filters: 73,728 column floats, past the size from which the
        // samples' im2col and col2im run on the threads.
        float[] Run(int threads)
        {
            int saved = Nabla.Kernels.KernelSettings.MaxThreads;
            try
            {
                Nabla.Kernels.KernelSettings.MaxThreads = threads;
                var layer = new Conv2DTranspose(8, 3, 2, "same", activation: "relu");
                layer.Build([8, 8, 4]);
                GradientCheck.Random(1, -0.5, 0.5, layer.Kernel.Shape).Data.CopyTo(layer.Kernel.Data, 0);
                var x = GradientCheck.Random(2, -1, 1, 16, 8, 8, 4).RequireGrad();
                var y = layer.Call(x, training: true);
                new Nabla.Autograd.Graph(y).Backward(GradientCheck.Random(3, -1, 1, y.Shape));
                return [.. y.Data, .. x.Grad!.Data, .. layer.Kernel.Grad!.Data, .. layer.Bias!.Grad!.Data];
            }
            finally
            {
                Nabla.Kernels.KernelSettings.MaxThreads = saved;
            }
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Theory]
    // (input, kernel, stride, padding) → Keras's output: same → in·s; valid → in·s + max(k − s, 0).
    [InlineData(4, 3, 2, "same", 8)]
    [InlineData(4, 3, 2, "valid", 9)]
    [InlineData(4, 2, 3, "valid", 12)]
    [InlineData(5, 3, 1, "valid", 7)]
    [InlineData(5, 3, 1, "same", 5)]
    public void OutputSizesAreKerasDeconvOutputLength(int input, int kernel, int stride, string padding, int expected)
    {
        var layer = new Conv2DTranspose(2, kernel, stride, padding, inputShape: [input, input + 1, 3]);
        layer.Build([input, input + 1, 3]);
        Assert.Equal(expected, layer.OutputShape![0]);
        Assert.Equal([kernel, kernel, 2, 3], layer.Kernel.Shape);
    }

    [Fact]
    public void EachInputPixelSpreadsTheKernelOverItsWindow()
    {
        // One channel in and out, kernel 2x2 [[1, 2], [3, 4]], stride 2, valid: pixel v covers a 2x2 block v·kernel.
        var layer = new Conv2DTranspose(1, 2, 2, useBias: false);
        layer.Build([2, 1, 1]);
        Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2, 1, 1).Data.CopyTo(layer.Kernel.Data, 0);
        var y = layer.Call(Tensor.FromArray([1f, 10f], 1, 2, 1, 1), training: false);
        Assert.Equal([1, 4, 2, 1], y.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 10f, 20f, 30f, 40f], y.Data);
        // Stride 1 overlaps the windows: the middle row sums both pixels' contributions.
        var overlapping = new Conv2DTranspose(1, 2, 1, useBias: false);
        overlapping.Build([2, 1, 1]);
        layer.Kernel.Data.CopyTo(overlapping.Kernel.Data, 0);
        Assert.Equal([1f, 2f, 3f + 10f, 4f + 20f, 30f, 40f], overlapping.Call(Tensor.FromArray([1f, 10f], 1, 2, 1, 1), false).Data);
    }

    [Theory]
    [InlineData(2, "same", 1)]
    [InlineData(2, "valid", 1)]
    [InlineData(1, "same", 2)]
    [InlineData(3, "valid", 1)]
    public void MatchesFiniteDifferencesForInputKernelAndBias(int stride, string padding, int dilation)
    {
        var layer = new Conv2DTranspose(2, (3, 2), stride, padding, dilation, activation: "tanh", biasInitializer: "ones");
        layer.Build([3, 2, 3]);
        var x = GradientCheck.Random(1, -1, 1, 2, 3, 2, 3);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Kernel, layer.Bias!]);
    }

    [Fact]
    public void ConfigsRoundTripAndAnOutputPaddingNotBelowTheStrideIsRefusedByName()
    {
        var layer = new Conv2DTranspose(4, (3, 2), (2, 1), "same", activation: "relu", inputShape: [5, 5, 2], name: "up");
        var rebuilt = (Conv2DTranspose)Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
        Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        var keras = (Conv2DTranspose)Layer.Deserialize(Config.Parse(
            """{"class_name": "Conv2DTranspose", "config": {"filters": 8, "kernel_size": [4, 4], "strides": [2, 2], "padding": "same", "output_padding": null}}"""));
        Assert.Equal((8, new Size2D(4, 4), "same"), (keras.Filters, keras.KernelSize, keras.Padding));
        // Strides default to 1, so output_padding 1 breaks Keras's output_padding < strides (ConvTransposeOutputPaddingTests).
        var error = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Conv2DTranspose", "config": {"name": "d", "filters": 8, "kernel_size": 3, "output_padding": [1, 1]}}""")));
        Assert.Contains("output_padding", error.Message);
    }

    [Fact]
    public void AConvolutionalAutoencoderTrains()
    {
        Utils.SetRandomSeed(2);
        var model = new Sequential(new Conv2D(4, 3, 2, "same", activation: "relu", inputShape: [8, 8, 1]),
            new Conv2DTranspose(4, 3, 2, "same", activation: "relu"), new Conv2D(1, 3, padding: "same", activation: "sigmoid"));
        Assert.Equal([8, 8, 1], model.OutputShape!);
        model.Compile("adam", "binary_crossentropy");
        var x = GradientCheck.Random(3, 0, 1, 32, 8, 8, 1);
        var history = model.Fit(x, x, epochs: 10, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
    }

    [Fact]
    public void Conv1DTransposeIsTheTwoDimensionalOneOnImagesOneRowHigh()
    {
        // conv1d_transpose.py: kernel [k, filters, in]; the same output sizes as the 2-D layer along its one axis.
        var oneD = new Conv1DTranspose(3, 4, strides: 2, padding: "same", activation: "tanh");
        oneD.Build([5, 2]);
        Assert.Equal([4, 3, 2], oneD.Kernel.Shape);
        Assert.Equal([10, 3], oneD.OutputShape!);
        var twoD = new Conv2DTranspose(3, (1, 4), (1, 2), "same", activation: "tanh");
        twoD.Build([1, 5, 2]);
        oneD.Kernel.Data.CopyTo(twoD.Kernel.Data, 0);
        GradientCheck.Random(5, -1, 1, 3).Data.CopyTo(oneD.Bias!.Data, 0);
        oneD.Bias!.Data.CopyTo(twoD.Bias!.Data, 0);
        var x = GradientCheck.Random(6, -1, 1, 2, 5, 2);
        Assert.Equal(twoD.Call(Tensor.Reshape(x, 2, 1, 5, 2), false).Data, oneD.Call(x, false).Data);
        GradientCheck.Check(t => oneD.Call(t[0], true), [x, oneD.Kernel, oneD.Bias!]);
        var read = (Conv1DTranspose)Layer.Deserialize(Config.Parse(
            """{"class_name": "Conv1DTranspose", "config": {"filters": 2, "kernel_size": [3], "strides": [2], "padding": "valid"}}"""));
        Assert.Equal((3, 2, "valid"), (read.KernelSize, read.Strides, read.Padding));
        Assert.Equal(read.GetConfig().ToJsonString(), Layer.Deserialize(Registry<Layer>.Serialize(read)).GetConfig().ToJsonString());
    }
}
