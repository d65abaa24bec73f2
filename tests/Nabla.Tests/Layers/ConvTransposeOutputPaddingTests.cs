using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras's output_padding on Conv2DTranspose and Conv1DTranspose. Sizes follow keras/src/backend/common/backend_utils.py
/// (_get_output_shape_given_tf_padding); values follow that file's JAX translation
/// (_convert_conv_transpose_padding_args_from_keras_to_jax): the input spread `stride` apart, padded by (left, right)
/// zeros, correlated with the flipped kernel. The reference below computes exactly that, not Nabla's scatter.
/// </summary>
public class ConvTransposeOutputPaddingTests
{
    /// <summary>Keras's output length along one axis with output_padding set (kernel dilated).</summary>
    private static int KerasLength(int input, int kernel, int stride, string padding, int outputPadding, int dilation = 1)
    {
        int k = (kernel - 1) * dilation + 1;
        return padding == "valid" ? (input - 1) * stride + k + outputPadding : (input - 1) * stride + k % 2 + outputPadding;
    }

    /// <summary>JAX's (left, right) padding of the stride-spread input, as Keras computes it.</summary>
    private static (int Left, int Right) KerasJaxPads(int kernel, int stride, string padding, int outputPadding, int dilation = 1)
    {
        int k = (kernel - 1) * dilation + 1;
        if (padding == "valid") return (k - 1, k - 1 + outputPadding);
        int total = k + k % 2 - 2 + outputPadding;
        int left = Math.Min(total / 2 + total % 2, k - 1);
        return (left, total - left);
    }

    public static TheoryData<string, int, int, int, int> ShapeCases()
    {
        var cases = new TheoryData<string, int, int, int, int>();
        foreach (string padding in new[] { "valid", "same" })
            foreach (int stride in new[] { 2, 3 })
                foreach (int outputPadding in new[] { 0, 1, 2 })
                    foreach (int kernel in new[] { 1, 2, 3, 4 })
                        foreach (int input in new[] { 1, 3 })
                            if (outputPadding < stride) cases.Add(padding, stride, outputPadding, kernel, input);
        return cases;
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void OutputSizesAreKerasFormula(string padding, int stride, int outputPadding, int kernel, int input)
    {
        int expected = KerasLength(input, kernel, stride, padding, outputPadding);
        // The width axis takes a different output_padding (0) to show the axes are independent.
        var layer = new Conv2DTranspose(2, (kernel, 2), (stride, 2), padding, outputPadding: (outputPadding, 0));
        if (expected <= 0)
        {
            // "same", one input cell, an even kernel and no padding: Keras's formula gives 0 cells.
            var e = Assert.Throws<ArgumentException>(() => layer.Build([input, 3, 1]));
            Assert.Contains("output_padding", e.Message);
            return;
        }
        layer.Build([input, 3, 1]);
        Assert.Equal([expected, KerasLength(3, 2, 2, padding, 0), 2], layer.OutputShape!);
        var oneD = new Conv1DTranspose(2, kernel, stride, padding, outputPadding: outputPadding);
        oneD.Build([input, 1]);
        Assert.Equal([expected, 2], oneD.OutputShape!);
    }

    /// <summary>Keras's conv_transpose by its JAX definition: y[o] = Σ_j spread_padded[o + j·d] · kernel[k − 1 − j], plus bias.</summary>
    private static float[] Reference(Tensor x, Tensor kernel, Tensor bias, Size2D strides, string padding, Size2D outputPadding, int[] outShape)
    {
        int batch = x.Shape[0], h = x.Shape[1], w = x.Shape[2], cin = x.Shape[3];
        int kh = kernel.Shape[0], kw = kernel.Shape[1], filters = kernel.Shape[2];
        var (top, _) = KerasJaxPads(kh, strides.Height, padding, outputPadding.Height);
        var (left, _) = KerasJaxPads(kw, strides.Width, padding, outputPadding.Width);
        // The cell of the padded, spread input at p, or -1 for a zero.
        static int Source(int p, int pad, int stride, int size) =>
            p - pad >= 0 && (p - pad) % stride == 0 && (p - pad) / stride < size ? (p - pad) / stride : -1;
        int oh = outShape[1], ow = outShape[2];
        var y = new float[batch * oh * ow * filters];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int f = 0; f < filters; f++)
                    {
                        double sum = bias.Data[f];
                        for (int j = 0; j < kh; j++)
                            for (int i = 0; i < kw; i++)
                            {
                                int sy = Source(oy + j, top, strides.Height, h), sx = Source(ox + i, left, strides.Width, w);
                                if (sy < 0 || sx < 0) continue;
                                for (int c = 0; c < cin; c++)
                                    sum += x.Data[((n * h + sy) * w + sx) * cin + c]
                                        * kernel.Data[(((kh - 1 - j) * kw + (kw - 1 - i)) * filters + f) * cin + c];
                            }
                        y[((n * oh + oy) * ow + ox) * filters + f] = (float)sum;
                    }
        return y;
    }

    [Theory]
    [InlineData("valid", 2, 3, 1, 2)]
    [InlineData("same", 2, 3, 1, 2)]
    [InlineData("same", 3, 2, 2, 1)]
    [InlineData("valid", 3, 2, 2, 1)]
    [InlineData("same", 2, 2, 0, 1)]
    public void ValuesAreKerasConvTransposeWithOutputPadding(string padding, int strideH, int strideW, int padH, int padW)
    {
        foreach (var kernelSize in new Size2D[] { (3, 2), (4, 3), (1, 1) })
        {
            var layer = new Conv2DTranspose(2, kernelSize, (strideH, strideW), padding, outputPadding: (padH, padW));
            layer.Build([3, 2, 2]);
            GradientCheck.Random(1, -1, 1, layer.Kernel.Shape).Data.CopyTo(layer.Kernel.Data, 0);
            GradientCheck.Random(2, -1, 1, 2).Data.CopyTo(layer.Bias!.Data, 0);
            var x = GradientCheck.Random(3, -1, 1, 2, 3, 2, 2);
            var y = layer.Call(x, training: false);
            var expected = Reference(x, layer.Kernel, layer.Bias!, (strideH, strideW), padding, (padH, padW), y.Shape);
            Assert.Equal(expected.Length, y.Data.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-5);
        }
    }

    [Fact]
    public void ASequenceWrittenOut()
    {
        // Input [1, 10], kernel [1, 2, 3], stride 2, no bias. The full transposed result is [1, 2, 3 + 10, 20, 30].
        Tensor Run(string padding, int outputPadding)
        {
            var layer = new Conv1DTranspose(1, 3, 2, padding, useBias: false, outputPadding: outputPadding);
            layer.Build([2, 1]);
            Tensor.FromArray([1f, 2f, 3f], 3, 1, 1).Data.CopyTo(layer.Kernel.Data, 0);
            return layer.Call(Tensor.FromArray([1f, 10f], 1, 2, 1), training: false);
        }
        // "valid" keeps the full result and adds output_padding zero cells after it.
        Assert.Equal([1f, 2f, 13f, 20f, 30f, 0f], Run("valid", 1).Data);
        Assert.Equal([1f, 2f, 13f, 20f, 30f], Run("valid", 0).Data);
        // "same": (2 − 1)·2 + 3 % 2 + p cells; JAX's left pad is 2 for p = 1 (start at 0) and 1 for p = 0 (start at 1).
        Assert.Equal([1f, 2f, 13f, 20f], Run("same", 1).Data);
        Assert.Equal([2f, 13f, 20f], Run("same", 0).Data);
    }

    [Theory]
    // An output_padding equal to what Keras uses when it is None gives the default output: stride − kernel % 2 with "same"
    // (odd kernels), stride − kernel with "valid" (kernels below the stride).
    [InlineData("same", 3, 2, 1)]
    [InlineData("same", 5, 2, 1)]
    [InlineData("same", 1, 3, 2)]
    [InlineData("same", 7, 3, 2)]
    [InlineData("valid", 1, 2, 1)]
    [InlineData("valid", 2, 3, 1)]
    public void KerasDefaultOutputPaddingGivesTheDefaultOutput(string padding, int kernel, int stride, int outputPadding)
    {
        var explicitly = new Conv2DTranspose(2, kernel, stride, padding, activation: "tanh", outputPadding: outputPadding);
        var byDefault = new Conv2DTranspose(2, kernel, stride, padding, activation: "tanh");
        explicitly.Build([4, 3, 2]);
        byDefault.Build([4, 3, 2]);
        GradientCheck.Random(1, -1, 1, byDefault.Kernel.Shape).Data.CopyTo(byDefault.Kernel.Data, 0);
        byDefault.Kernel.Data.CopyTo(explicitly.Kernel.Data, 0);
        var x = GradientCheck.Random(2, -1, 1, 2, 4, 3, 2);
        var expected = byDefault.Call(x, false);
        var actual = explicitly.Call(x, false);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }

    [Theory]
    [InlineData("valid", 2, 1, 3)]
    [InlineData("same", 2, 1, 3)]
    [InlineData("same", 3, 2, 2)]
    [InlineData("valid", 3, 2, 1)]
    [InlineData("same", 2, 1, 4)]
    public void MatchesFiniteDifferencesForInputKernelAndBias(string padding, int stride, int outputPadding, int kernel)
    {
        var layer = new Conv2DTranspose(2, (kernel, 2), (stride, 2), padding, activation: "tanh", biasInitializer: "ones",
            outputPadding: (outputPadding, 1));
        layer.Build([3, 2, 3]);
        var x = GradientCheck.Random(1, -1, 1, 2, 3, 2, 3);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Kernel, layer.Bias!]);
        var oneD = new Conv1DTranspose(2, kernel, stride, padding, activation: "tanh", biasInitializer: "ones", outputPadding: outputPadding);
        oneD.Build([3, 2]);
        GradientCheck.Check(t => oneD.Call(t[0], training: true), [GradientCheck.Random(2, -1, 1, 2, 3, 2), oneD.Kernel, oneD.Bias!]);
    }

    [Fact]
    public void ConfigsWriteAndReadOutputPaddingAsKerasDoes()
    {
        var layer = new Conv2DTranspose(4, 3, (2, 3), "same", outputPadding: (1, 2), inputShape: [5, 5, 2], name: "up");
        Assert.Contains("\"output_padding\":[1,2]", layer.GetConfig().ToJsonString().Replace(" ", ""));
        var rebuilt = (Conv2DTranspose)Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
        Assert.Equal(new Size2D(1, 2), rebuilt.OutputPadding);
        Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        // Unset is written as null, as Keras writes None, and read back as unset.
        var plain = new Conv2DTranspose(4, 3, 2);
        Assert.Null(plain.GetConfig()["output_padding"]);
        Assert.Null(((Conv2DTranspose)Layer.Deserialize(Registry<Layer>.Serialize(plain))).OutputPadding);
        // One int is every axis's.
        var keras = (Conv2DTranspose)Layer.Deserialize(Config.Parse(
            """{"class_name": "Conv2DTranspose", "config": {"filters": 8, "kernel_size": 3, "strides": [2, 2], "output_padding": 1}}"""));
        Assert.Equal(new Size2D(1, 1), keras.OutputPadding);
        var oneD = (Conv1DTranspose)Layer.Deserialize(Config.Parse(
            """{"class_name": "Conv1DTranspose", "config": {"filters": 2, "kernel_size": [3], "strides": [3], "output_padding": [2]}}"""));
        Assert.Equal(2, oneD.OutputPadding);
        Assert.Equal(oneD.GetConfig().ToJsonString(), Layer.Deserialize(Registry<Layer>.Serialize(oneD)).GetConfig().ToJsonString());
        Assert.Contains("\"output_padding\":[2]", oneD.GetConfig().ToJsonString().Replace(" ", ""));
    }

    [Theory]
    // keras/src/layers/convolutional/base_conv_transpose.py: "`output_padding` must be < `strides`" on every axis.
    [InlineData("""{"filters": 2, "kernel_size": 3, "output_padding": 1}""", "output_padding (1, 1) with strides (1, 1)")]
    [InlineData("""{"filters": 2, "kernel_size": 3, "strides": [2, 3], "output_padding": [1, 3]}""", "output_padding (1, 3) with strides (2, 3)")]
    [InlineData("""{"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": -1}""", "output_padding (-1, -1)")]
    public void OutputPaddingNotBelowTheStrideIsRefusedByName(string config, string found)
    {
        var e = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            $$"""{"class_name": "Conv2DTranspose", "config": {{config}}}""")));
        Assert.Contains("'output_padding' must be at least 0 and below 'strides'", e.Message);
        Assert.Contains(found, e.Message);
        var oneD = Assert.Throws<ArgumentException>(() => new Conv1DTranspose(2, 3, 2, outputPadding: 2));
        Assert.Contains("found output_padding 2 with strides 2", oneD.Message);
        Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, 3, (2, 2), outputPadding: (1, 2)));
    }
}
