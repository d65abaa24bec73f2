using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// Conv2D and Conv1D against torch's conv2d/conv1d on the same weights (Keras kernel [kh, kw, in, out] = torch
/// weight [out, in, kh, kw] permuted): output, input gradient, kernel and bias gradients. Nabla's images are
/// channels-last, torch's channels-first, so the torch side permutes its leaf; "same" and "causal" padding are
/// written as explicit F.pad with TensorFlow's split (the odd cell after), which torch's own padding cannot express
/// for strides above 1.
/// The torch side runs in float64: on this machine libtorch's float32 CPU convolution returned wrong input
/// gradients (zeros for the last input steps of a 1-D convolution, other values off for 2-D ones with one input
/// channel) while its float64 convolution agrees with Nabla and with finite differences (measured on the
/// Conv1D valid case: Nabla 1.37374, finite difference 1.37373, torch float64 1.37, torch float32 0).
/// </summary>
public class ConvParityTests
{
    /// <summary>TensorFlow's padding rule (tf.nn.convolution), the reference both sides must follow.</summary>
    internal static (long Before, long After) TfPads(string padding, int input, int kernel, int stride, int dilation)
    {
        int window = (kernel - 1) * dilation + 1;
        if (padding == "causal") return (window - 1, 0);
        if (padding != "same") return (0, 0);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>A float64 channels-first torch leaf holding a channels-last Nabla batch.</summary>
    internal static TorchTensor ChannelsFirstLeaf(Tensor x)
    {
        long[] order = [0, x.Rank - 1, .. Enumerable.Range(1, x.Rank - 2).Select(d => (long)d)];
        return Parity.ToTorch(x).permute(order).contiguous().to_type(torch.float64).requires_grad_(true);
    }

    public static TheoryData<int, int, int, int, int, int, int, int, string, string> Conv2DCases => new()
    {
        // h, w, in, out, kh, kw, stride, dilation, padding, activation
        { 7, 7, 3, 4, 3, 3, 1, 1, "valid", "relu" },
        { 8, 7, 2, 3, 3, 3, 2, 1, "valid", "linear" },
        { 7, 6, 2, 3, 3, 3, 1, 1, "same", "tanh" },
        { 7, 6, 2, 3, 2, 4, 1, 1, "same", "sigmoid" },
        { 8, 9, 2, 3, 3, 3, 2, 1, "same", "linear" },
        { 9, 9, 2, 2, 3, 3, 1, 2, "valid", "elu" },
        { 8, 8, 1, 2, 3, 3, 1, 2, "same", "linear" },
        { 6, 9, 2, 3, 3, 5, 1, 1, "valid", "linear" },
        { 5, 5, 4, 6, 1, 1, 1, 1, "valid", "relu" },
        { 6, 6, 1, 8, 3, 3, 1, 1, "valid", "softmax" },
    };

    [Theory]
    [MemberData(nameof(Conv2DCases))]
    public void Conv2DMatchesTorch(int h, int w, int cin, int cout, int kh, int kw, int stride, int dilation, string padding, string activation)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new Conv2D(cout, (kh, kw), strides: stride, padding: padding, dilationRate: dilation, activation: activation);
        layer.Build([h, w, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(31, 0.5, kh, kw, cin, cout));
        TestData.Assign(layer.Bias!, TestData.Normal(32, 0.5, cout));
        var x = TestData.Normal(33, 1.0, 3, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(34, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(layer.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (top, bottom) = TfPads(padding, h, kh, stride, dilation);
        var (left, right) = TfPads(padding, w, kw, stride, dilation);
        var padded = F.pad(tx, [left, right, top, bottom]);
        var z = F.conv2d(padded, tw, tb, strides: [stride, stride], padding: [0, 0], dilation: [dilation, dilation]).permute(0, 2, 3, 1);
        var ty = TorchActivations.ByKerasName[activation](z);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv2D {kh}x{kw} stride {stride} dilation {dilation} {padding} {activation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1));
    }

    [Theory]
    [InlineData("valid", 1, 1)]
    [InlineData("same", 1, 1)]
    [InlineData("same", 2, 1)]
    [InlineData("causal", 1, 2)]
    [InlineData("causal", 1, 1)]
    public void Conv1DMatchesTorch(string padding, int stride, int dilation)
    {
        TorchRuntime.EnsureLoaded();
        const int steps = 11, cin = 3, cout = 4, k = 3;
        var layer = new Conv1D(cout, k, strides: stride, padding: padding, dilationRate: dilation, activation: "tanh");
        layer.Build([steps, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(41, 0.5, k, cin, cout));
        TestData.Assign(layer.Bias!, TestData.Normal(42, 0.5, cout));
        var x = TestData.Normal(43, 1.0, 2, steps, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(44, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(layer.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (left, right) = TfPads(padding, steps, k, stride, dilation);
        var padded = F.pad(tx, [left, right]);
        var ty = F.conv1d(padded, tw, tb, stride: stride, padding: 0, dilation: dilation).permute(0, 2, 1).tanh();
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv1D {padding} stride {stride} dilation {dilation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 1));
    }

    /// <summary>Keras's groups against torch's: the kernel [kh, kw, in / groups, out] is torch's weight
    /// [out, in / groups, kh, kw] permuted, filter block g reading channel block g in both.</summary>
    [Theory]
    [InlineData(2, 4, 6, "valid", 1)]
    [InlineData(3, 6, 3, "same", 2)]
    [InlineData(4, 4, 8, "same", 1)]
    public void GroupedConv2DMatchesTorch(int groups, int cin, int cout, string padding, int stride)
    {
        TorchRuntime.EnsureLoaded();
        const int h = 7, w = 6, kh = 3, kw = 2;
        var layer = new Conv2D(cout, (kh, kw), strides: stride, padding: padding, activation: "tanh", groups: groups);
        layer.Build([h, w, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(51, 0.5, kh, kw, cin / groups, cout));
        TestData.Assign(layer.Bias!, TestData.Normal(52, 0.5, cout));
        var x = TestData.Normal(53, 1.0, 3, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(54, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(layer.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (top, bottom) = TfPads(padding, h, kh, stride, 1);
        var (left, right) = TfPads(padding, w, kw, stride, 1);
        var padded = F.pad(tx, [left, right, top, bottom]);
        var ty = F.conv2d(padded, tw, tb, strides: [stride, stride], padding: [0, 0], groups: groups).permute(0, 2, 3, 1).tanh();
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"Conv2D groups {groups} {padding} stride {stride}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1));
    }

    [Fact]
    public void GroupedConv1DMatchesTorch()
    {
        TorchRuntime.EnsureLoaded();
        const int steps = 9, cin = 6, cout = 4, k = 3, groups = 2;
        var layer = new Conv1D(cout, k, padding: "causal", activation: "relu", groups: groups);
        layer.Build([steps, cin]);
        TestData.Assign(layer.Kernel, TestData.Normal(61, 0.5, k, cin / groups, cout));
        TestData.Assign(layer.Bias!, TestData.Normal(62, 0.5, cout));
        var x = TestData.Normal(63, 1.0, 2, steps, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(64, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(layer.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var padded = F.pad(tx, [k - 1, 0]);
        var ty = F.relu(F.conv1d(padded, tw, tb, groups: groups).permute(0, 2, 1));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        Parity.Compare("Conv1D groups 2 output", y, ty);
        Parity.Compare("Conv1D groups 2 dL/dkernel", layer.Kernel.Grad!, tw.grad!.permute(2, 1, 0));
        Parity.CompareGradient("Conv1D groups 2 dL/dbias", layer.Bias!, tb);
        Parity.Compare("Conv1D groups 2 dL/dx", x.Grad!, tx.grad!.permute(0, 2, 1));
    }

    /// <summary>A channels-first stack as Keras runs one (data_format="channels_first", BatchNormalization axis 1) against
    /// torch's own NCHW layout, nothing permuted but the kernel: Conv2D "same" stride 2 with tanh, BatchNormalization in
    /// training mode, then 2x2 max pooling. Output and every gradient.</summary>
    [Fact]
    public void AChannelsFirstConvNormPoolStackMatchesTorchsNchw()
    {
        TorchRuntime.EnsureLoaded();
        const int cin = 3, cout = 4, h = 8, w = 7, kh = 3, kw = 2, stride = 2;
        var conv = new Conv2D(cout, (kh, kw), strides: stride, padding: "same", activation: "tanh", dataFormat: "channels_first");
        var norm = new BatchNormalization(axis: 1);
        var pool = new MaxPooling2D(2, dataFormat: "channels_first");
        conv.Build([cin, h, w]);
        TestData.Assign(conv.Kernel, TestData.Normal(71, 0.5, kh, kw, cin, cout));
        TestData.Assign(conv.Bias!, TestData.Normal(72, 0.5, cout));
        var x = TestData.Normal(73, 1.0, 3, cin, h, w).RequireGrad();
        var convOut = conv.Call(x, training: true);
        norm.Build(convOut.Shape[1..]);
        TestData.Assign(norm.Weights[0], TestData.Uniform(74, 0.5, 1.5, cout));
        TestData.Assign(norm.Weights[1], TestData.Normal(75, 0.3, cout));
        var y = pool.Call(norm.Call(convOut, training: true), training: true);
        Assert.Equal([3, cout, 2, 2], y.Shape);
        var outputGrad = TestData.Uniform(76, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.Leaf64(Parity.ToTorch(x));
        var tw = Parity.Leaf64(WeightLayouts.ConvKernel(conv.Kernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(conv.Bias!));
        var tGamma = Parity.Leaf64(Parity.ToTorch(norm.Weights[0]));
        var tBeta = Parity.Leaf64(Parity.ToTorch(norm.Weights[1]));
        var (top, bottom) = TfPads("same", h, kh, stride, 1);
        var (left, right) = TfPads("same", w, kw, stride, 1);
        var tConv = F.conv2d(F.pad(tx, [left, right, top, bottom]), tw, tb, strides: [stride, stride], padding: [0, 0]).tanh();
        var running = (torch.zeros(cout, dtype: torch.float64), torch.ones(cout, dtype: torch.float64));
        var tNorm = F.batch_norm(tConv, running.Item1, running.Item2, tGamma, tBeta, true, 0.01, 1e-3);
        var ty = F.max_pool2d(tNorm, [2, 2], [2, 2]);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        Parity.Compare("channels-first stack output", y, ty);
        Parity.Compare("channels-first Conv2D dL/dkernel", conv.Kernel.Grad!, tw.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient("channels-first Conv2D dL/dbias", conv.Bias!, tb);
        Parity.CompareGradient("channels-first BatchNormalization dL/dgamma", norm.Weights[0], tGamma);
        Parity.CompareGradient("channels-first BatchNormalization dL/dbeta", norm.Weights[1], tBeta);
        Parity.CompareGradient("channels-first stack dL/dx", x, tx);
        Parity.Compare("channels-first BatchNormalization moving_mean", norm.Weights[2], running.Item1);
    }
}
