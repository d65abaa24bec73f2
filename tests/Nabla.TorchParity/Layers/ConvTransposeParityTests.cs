using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// Conv2DTranspose (and Conv1D/3DTranspose) against torch's conv_transpose2d (1d, 3d) on the same weights (Keras kernel [kh, kw, filters, in] = torch
/// weight [in, filters, kh, kw] permuted). Torch computes the full output, (in − 1)·stride + dilated kernel; Keras's
/// is the window TensorFlow's padding rule cuts from it (rows from the top padding of the convolution that maps the
/// output back onto the input), with zeros past its end when the stride exceeds the kernel. In float64, as
/// ConvParityTests explains.
/// </summary>
public class ConvTransposeParityTests
{
    [Theory]
    // h, w, in, filters, kh, kw, stride, dilation, padding, activation
    [InlineData(4, 5, 3, 2, 3, 3, 2, 1, "same", "linear")]
    [InlineData(4, 5, 3, 2, 3, 3, 2, 1, "valid", "relu")]
    [InlineData(3, 3, 2, 4, 2, 2, 3, 1, "valid", "linear")]
    [InlineData(5, 4, 2, 3, 4, 3, 2, 1, "same", "tanh")]
    [InlineData(4, 4, 2, 2, 3, 3, 1, 2, "same", "linear")]
    [InlineData(6, 5, 4, 3, 3, 2, 1, 1, "valid", "sigmoid")]
    public void Conv2DTransposeMatchesTorch(int h, int w, int cin, int filters, int kh, int kw, int stride, int dilation, string padding,
        string activation)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new Conv2DTranspose(filters, (kh, kw), stride, padding, dilation, activation);
        layer.Build([h, w, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(1, 0.5, layer.Kernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(2, 0.5, filters));
        var x = TestData.Normal(3, 1.0, 2, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(4, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.ToTorch(layer.Kernel).permute(3, 2, 0, 1).contiguous().to_type(torch.float64).requires_grad_(true);
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var full = F.conv_transpose2d(tx, tw, tb, strides: [stride, stride], dilation: [dilation, dilation]);
        var z = Window(Window(full, 2, y.Shape[1], ConvParityTests.TfPads(padding, y.Shape[1], kh, stride, dilation).Before, tb),
            3, y.Shape[2], ConvParityTests.TfPads(padding, y.Shape[2], kw, stride, dilation).Before, tb);
        var ty = TorchActivations.ByKerasName[activation](z.permute(0, 2, 3, 1));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv2DTranspose {kh}x{kw} stride {stride} dilation {dilation} {padding}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1));
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }

    [Theory]
    // h, w, in, filters, kh, kw, strideH, strideW, outputPaddingH, outputPaddingW, padding
    [InlineData(4, 3, 3, 2, 3, 2, 2, 3, 1, 2, "valid")]
    [InlineData(3, 4, 2, 3, 4, 3, 3, 2, 2, 1, "valid")]
    [InlineData(3, 3, 2, 2, 1, 2, 2, 2, 1, 1, "valid")]
    [InlineData(4, 3, 3, 2, 3, 2, 2, 3, 1, 2, "same")]
    [InlineData(3, 4, 2, 3, 4, 3, 3, 2, 2, 0, "same")]
    [InlineData(3, 3, 2, 2, 1, 2, 2, 2, 1, 1, "same")]
    public void Conv2DTransposeWithOutputPaddingMatchesTorch(int h, int w, int cin, int filters, int kh, int kw, int sh, int sw,
        int ph, int pw, string padding)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new Conv2DTranspose(filters, (kh, kw), (sh, sw), padding, activation: "tanh", outputPadding: (ph, pw));
        layer.Build([h, w, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(21, 0.5, layer.Kernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(22, 0.5, filters));
        var x = TestData.Normal(23, 1.0, 2, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(24, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.ToTorch(layer.Kernel).permute(3, 2, 0, 1).contiguous().to_type(torch.float64).requires_grad_(true);
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        TorchTensor z;
        if (padding == "valid")
        {
            // Keras's torch backend (backend_utils.py, _convert_conv_transpose_padding_args_from_keras_to_torch): "valid"
            // is torch's padding 0 with the same output_padding.
            z = F.conv_transpose2d(tx, tw, tb, strides: [sh, sw], output_padding: [ph, pw]);
        }
        else
        {
            // "same": the window compute_conv_transpose_output_crops_for_torch cuts from torch's full output,
            // (kernel − 1) − JAX's left pad cells in, past its end with bias only.
            static int Crop(int k, int p) { int total = k + k % 2 - 2 + p; return k - 1 - Math.Min(total / 2 + total % 2, k - 1); }
            var full = F.conv_transpose2d(tx, tw, tb, strides: [sh, sw]);
            z = Window(Window(full, 2, y.Shape[1], Crop(kh, ph), tb), 3, y.Shape[2], Crop(kw, pw), tb);
        }
        Assert.Equal(y.Shape[1..3], z.shape[2..4].Select(v => (int)v).ToArray());
        var ty = torch.tanh(z.permute(0, 2, 3, 1));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv2DTranspose {kh}x{kw} stride ({sh}, {sw}) output_padding ({ph}, {pw}) {padding}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1));
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }

    public static TheoryData<int[], int[], int[], int[], string, int[]?, string> Conv3DTransposeCases => new()
    {
        // [d, h, w, in, filters], kernel, strides, dilation, padding, output_padding (null: Keras's None), activation
        { [3, 4, 3, 2, 3], [3, 2, 3], [2, 1, 2], [1, 1, 1], "same", null, "linear" },
        { [3, 3, 2, 2, 2], [2, 3, 2], [2, 2, 3], [1, 1, 1], "valid", null, "relu" },
        { [2, 3, 3, 3, 2], [3, 3, 2], [1, 1, 1], [2, 1, 2], "same", null, "tanh" },
        { [3, 2, 3, 2, 2], [3, 2, 2], [1, 1, 1], [1, 2, 2], "valid", null, "linear" },
        { [2, 3, 2, 2, 3], [3, 2, 4], [2, 3, 2], [1, 1, 1], "valid", [1, 2, 1], "tanh" },
        { [3, 2, 3, 2, 2], [4, 1, 3], [2, 2, 3], [1, 1, 1], "same", [1, 1, 2], "sigmoid" },
        { [2, 2, 2, 1, 2], [2, 2, 2], [1, 1, 1], [1, 1, 1], "same", [0, 0, 0], "linear" },
    };

    /// <summary>
    /// Conv3DTranspose against torch's conv_transpose3d (Keras kernel [kd, kh, kw, filters, in] = torch weight [in, filters,
    /// kd, kh, kw] permuted). Torch computes the full output; Keras's is the window keras/src/backend/common/backend_utils.py
    /// (compute_conv_transpose_output_crops_for_torch) cuts from it, dilated kernel − 1 − JAX's left pad cells in, with
    /// bias-only cells past its end.
    /// </summary>
    [Theory]
    [MemberData(nameof(Conv3DTransposeCases))]
    public void Conv3DTransposeMatchesTorch(int[] sizes, int[] kernel, int[] strides, int[] dilation, string padding, int[]? outputPadding,
        string activation)
    {
        TorchRuntime.EnsureLoaded();
        var (d, h, w, cin, filters) = (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4]);
        var layer = new Conv3DTranspose(filters, (kernel[0], kernel[1], kernel[2]), (strides[0], strides[1], strides[2]), padding,
            (dilation[0], dilation[1], dilation[2]), activation,
            outputPadding: outputPadding is null ? null : (outputPadding[0], outputPadding[1], outputPadding[2]));
        layer.Build([d, h, w, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(31, 0.5, layer.Kernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(32, 0.5, filters));
        var x = TestData.Normal(33, 1.0, 2, d, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(34, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvTransposeKernel(layer.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var z = F.conv_transpose3d(tx, tw, tb, strides: [.. strides.Select(v => (long)v)], dilation: [.. dilation.Select(v => (long)v)]);
        for (int axis = 0; axis < 3; axis++)
        {
            int k = (kernel[axis] - 1) * dilation[axis] + 1, s = strides[axis];
            int? p = outputPadding?[axis];
            // backend_utils.py, _convert_conv_transpose_padding_args_from_keras_to_jax: the left pad, then the crop.
            int total = p is int q ? k + k % 2 - 2 + q : s + k - 2;
            int left = padding == "valid" ? k - 1 : Math.Min(total / 2 + total % 2, k - 1);
            z = Window(z, axis + 2, y.Shape[axis + 1], k - 1 - left, tb);
        }
        var ty = TorchActivations.ByKerasName[activation](z.permute(0, 2, 3, 4, 1));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv3DTranspose {string.Join("x", kernel)} strides ({string.Join(", ", strides)}) dilation " +
            $"({string.Join(", ", dilation)}) output_padding {(outputPadding is null ? "None" : string.Join(", ", outputPadding))} {padding}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 4, 1));
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 4, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }

    /// <summary>Rows [start, start + length) of axis <paramref name="dim"/>; cells past the full output hold only the bias.</summary>
    private static TorchTensor Window(TorchTensor full, int dim, int length, long start, TorchTensor bias)
    {
        long missing = start + length - full.shape[dim];
        if (missing > 0)
        {
            long[] shape = [.. full.shape];
            shape[dim] = missing;
            long[] biasShape = [.. Enumerable.Repeat(1L, (int)full.dim())];
            biasShape[1] = -1;
            var biasOnly = torch.zeros(shape, torch.float64) + bias.reshape(biasShape);
            full = torch.cat([full, biasOnly], dim);
        }
        return full.narrow(dim, start, length);
    }

    [Theory]
    [InlineData(3, 2, "same")]
    [InlineData(4, 2, "valid")]
    public void Conv1DTransposeMatchesTorch(int k, int stride, string padding)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new Conv1DTranspose(3, k, stride, padding);
        layer.Build([6, 2]);
        TestData.Assign(layer.Kernel, TestData.Normal(11, 0.5, layer.Kernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(12, 0.5, 3));
        var x = TestData.Normal(13, 1.0, 2, 6, 2).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(14, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        // Keras [k, filters, in] = torch conv_transpose1d's [in, filters, k].
        var tw = Parity.ToTorch(layer.Kernel).permute(2, 1, 0).contiguous().to_type(torch.float64).requires_grad_(true);
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var full = F.conv_transpose1d(tx, tw, tb, stride: stride);
        var ty = Window(full.unsqueeze(2), 3, y.Shape[1], ConvParityTests.TfPads(padding, y.Shape[1], k, stride, 1).Before, tb).squeeze(2).permute(0, 2, 1);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);
        string what = $"Conv1DTranspose {k} stride {stride} {padding}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 1));
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }
}
