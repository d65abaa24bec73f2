using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras's Conv3DTranspose (keras/src/layers/convolutional/conv3d_transpose.py) computed against a scatter-sum written
/// out in loops: each input cell adds kernel·value onto the output window it spreads over, placed and sized as Keras's
/// keras/src/backend/common/backend_utils.py places and sizes it (_get_output_shape_given_tf_padding for the length,
/// _convert_conv_transpose_padding_args_from_keras_to_jax for where the output starts in the full result); finite
/// differences; and the 2-D layer as the same computation on a depth of 1.
/// </summary>
public class Conv3DTransposeTests
{
    /// <summary>Keras's output length along one axis (kernel dilated; null output_padding is Keras's None).</summary>
    private static int KerasLength(int input, int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        int k = (kernel - 1) * dilation + 1;
        if (padding == "valid") return (input - 1) * stride + k + (outputPadding ?? Math.Max(k, stride) - k);
        return outputPadding is int p ? (input - 1) * stride + k % 2 + p : input * stride;
    }

    /// <summary>How many cells of the full result, (input − 1)·stride + dilated kernel, precede Keras's output: the
    /// dilated kernel − 1 − JAX's left pad of the stride-spread input.</summary>
    private static int KerasStart(int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        int k = (kernel - 1) * dilation + 1;
        if (padding == "valid") return 0;
        int total = outputPadding is int p ? k + k % 2 - 2 + p : stride + k - 2;
        return k - 1 - Math.Min(total / 2 + total % 2, k - 1);
    }

    /// <summary>y = Σ over input cells and kernel taps of x·kernel, scattered to cell·stride + tap·dilation − start,
    /// cells outside [0, length) dropped; then the bias. Loops over everything, in double.</summary>
    private static float[] ScatterSum(Tensor x, Tensor kernel, Tensor bias, int[] strides, int[] dilation, string padding, int[]? outputPadding,
        out int[] outShape)
    {
        int batch = x.Shape[0], cin = x.Shape[4], filters = kernel.Shape[3];
        int[] input = x.Shape[1..4], k = kernel.Shape[..3];
        int[] length = new int[3], start = new int[3];
        for (int a = 0; a < 3; a++)
        {
            length[a] = KerasLength(input[a], k[a], strides[a], dilation[a], padding, outputPadding?[a]);
            start[a] = KerasStart(k[a], strides[a], dilation[a], padding, outputPadding?[a]);
        }
        outShape = [batch, length[0], length[1], length[2], filters];
        var y = new double[batch * length[0] * length[1] * length[2] * filters];
        for (int n = 0; n < batch; n++)
            for (int iz = 0; iz < input[0]; iz++)
                for (int iy = 0; iy < input[1]; iy++)
                    for (int ix = 0; ix < input[2]; ix++)
                        for (int kz = 0; kz < k[0]; kz++)
                            for (int ky = 0; ky < k[1]; ky++)
                                for (int kx = 0; kx < k[2]; kx++)
                                {
                                    int oz = iz * strides[0] + kz * dilation[0] - start[0];
                                    int oy = iy * strides[1] + ky * dilation[1] - start[1];
                                    int ox = ix * strides[2] + kx * dilation[2] - start[2];
                                    if (oz < 0 || oz >= length[0] || oy < 0 || oy >= length[1] || ox < 0 || ox >= length[2]) continue;
                                    for (int f = 0; f < filters; f++)
                                        for (int c = 0; c < cin; c++)
                                            y[(((n * length[0] + oz) * length[1] + oy) * length[2] + ox) * filters + f] +=
                                                x.Data[(((n * input[0] + iz) * input[1] + iy) * input[2] + ix) * cin + c]
                                                * kernel.Data[(((kz * k[1] + ky) * k[2] + kx) * filters + f) * cin + c];
                                }
        for (int i = 0; i < y.Length; i++) y[i] += bias.Data[i % filters];
        return [.. y.Select(v => (float)v)];
    }

    public static TheoryData<int[], int, int[], int[], string, int[], int[]?> Cases => new()
    {
        // input [d, h, w, in], filters, kernel, strides, padding, dilation, output_padding (null: Keras's None)
        { [2, 3, 2, 2], 3, [2, 3, 2], [2, 1, 2], "same", [1, 1, 1], null },
        { [2, 3, 2, 2], 3, [3, 3, 2], [2, 1, 3], "valid", [1, 1, 1], null }, // stride above the kernel: zeros past the full result
        { [3, 2, 2, 1], 2, [3, 2, 3], [2, 2, 3], "valid", [1, 1, 1], [1, 0, 2] },
        { [2, 3, 3, 2], 2, [2, 3, 2], [1, 1, 1], "same", [2, 1, 2], null },
        { [3, 3, 2, 2], 2, [3, 3, 3], [1, 1, 1], "valid", [1, 2, 1], null },
        { [2, 2, 3, 1], 3, [1, 4, 2], [3, 2, 2], "same", [1, 1, 1], [2, 1, 0] },
        { [2, 2, 2, 2], 2, [1, 1, 1], [2, 2, 2], "same", [1, 1, 1], [1, 1, 1] }, // the window reaches past the full result
        { [2, 2, 3, 1], 2, [2, 2, 3], [1, 1, 1], "same", [2, 2, 1], [0, 0, 0] },
        // Uneven paddings of the convolution back along the depth too: (0, 1) on every axis, then (1, 2) on the depth.
        { [3, 2, 2, 2], 2, [2, 2, 2], [1, 1, 1], "same", [1, 1, 1], null },
        { [2, 2, 2, 1], 2, [4, 3, 2], [2, 2, 1], "same", [1, 1, 1], [1, 1, 0] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesAreKerasScatterSum(int[] input, int filters, int[] kernel, int[] strides, string padding, int[] dilation, int[]? outputPadding)
    {
        var layer = new Conv3DTranspose(filters, (kernel[0], kernel[1], kernel[2]), (strides[0], strides[1], strides[2]), padding,
            (dilation[0], dilation[1], dilation[2]), outputPadding: outputPadding is null ? null : (outputPadding[0], outputPadding[1], outputPadding[2]));
        layer.Build(input);
        Assert.Equal([.. kernel, filters, input[3]], layer.Kernel.Shape);
        GradientCheck.Random(1, -1, 1, layer.Kernel.Shape).Data.CopyTo(layer.Kernel.Data, 0);
        GradientCheck.Random(2, -1, 1, filters).Data.CopyTo(layer.Bias!.Data, 0);
        var x = GradientCheck.Random(3, -1, 1, [2, .. input]);
        var y = layer.Call(x, training: false);
        var expected = ScatterSum(x, layer.Kernel, layer.Bias!, strides, dilation, padding, outputPadding, out var shape);
        Assert.Equal(shape, y.Shape);
        Assert.Equal(shape[1..], layer.OutputShape!);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-5);
    }

    [Theory]
    [InlineData("same", 2, 1, -1)]
    [InlineData("valid", 2, 1, -1)]
    [InlineData("same", 1, 2, -1)]
    [InlineData("valid", 3, 1, 2)]
    [InlineData("same", 2, 1, 1)]
    public void MatchesFiniteDifferencesForInputKernelAndBias(string padding, int stride, int dilation, int outputPadding)
    {
        // output_padding −1 stands for Keras's None; the depth axis strides and pads like the others.
        Size3D? extra = outputPadding < 0 ? null : (outputPadding, 0, outputPadding);
        var layer = new Conv3DTranspose(2, (2, 3, 2), (stride, 1, stride), padding, dilation, activation: "tanh", biasInitializer: "ones",
            outputPadding: extra);
        layer.Build([2, 2, 3, 2]);
        var x = GradientCheck.Random(1, -1, 1, 2, 2, 2, 3, 2);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Kernel, layer.Bias!]);
    }

    [Theory]
    [InlineData("same", 2, 3, 1, -1)]
    [InlineData("valid", 3, 2, 1, 1)]
    [InlineData("same", 1, 1, 2, -1)]
    public void TheTwoDimensionalLayerIsTheThreeDimensionalOneOnADepthOfOne(string padding, int strideH, int strideW, int dilation, int outputPadding)
    {
        Size2D? extra = outputPadding < 0 ? null : (outputPadding, outputPadding);
        var twoD = new Conv2DTranspose(3, (3, 2), (strideH, strideW), padding, dilation, activation: "tanh", outputPadding: extra);
        var threeD = new Conv3DTranspose(3, (1, 3, 2), (1, strideH, strideW), padding, (1, dilation, dilation), activation: "tanh",
            outputPadding: extra is Size2D p ? (0, p.Height, p.Width) : null);
        twoD.Build([4, 3, 2]);
        threeD.Build([1, 4, 3, 2]);
        GradientCheck.Random(4, -1, 1, twoD.Kernel.Shape).Data.CopyTo(twoD.Kernel.Data, 0);
        twoD.Kernel.Data.CopyTo(threeD.Kernel.Data, 0);
        var x = GradientCheck.Random(5, -1, 1, 2, 4, 3, 2);
        var expected = twoD.Call(x, training: false);
        var actual = threeD.Call(Tensor.Reshape(x, 2, 1, 4, 3, 2), training: false);
        Assert.Equal([expected.Shape[0], 1, .. expected.Shape[1..]], actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }
}
