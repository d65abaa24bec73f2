using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// DepthwiseConv1D and SeparableConv1D against torch's conv1d with groups = in_channels (then, for the separable layer,
/// a conv1d of window 1 with the bias) on the same weights: outputs, input, kernel and bias gradients. Float64 and
/// channels-first on the torch side; "same" is an explicit F.pad with TensorFlow's split (the odd cell at the end).
/// </summary>
public class Conv1DVariantsParityTests
{
    public static TheoryData<int, int, int, int, int, int, string, string> Cases => new()
    {
        // steps, in, multiplier, k, stride, dilation, padding, activation
        { 9, 3, 1, 3, 1, 1, "valid", "relu" },
        { 8, 2, 1, 4, 1, 1, "same", "linear" }, // total padding 3: one before, two after
        { 11, 3, 1, 3, 2, 1, "valid", "tanh" },
        { 10, 2, 1, 3, 2, 1, "same", "relu6" }, // strides 2: the one padding cell after
        { 12, 2, 1, 3, 1, 2, "same", "linear" }, // dilation 2
        { 9, 3, 2, 3, 1, 1, "valid", "sigmoid" }, // depth_multiplier 2
        { 10, 2, 2, 2, 2, 1, "same", "linear" },
        { 11, 2, 3, 3, 1, 2, "valid", "relu" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DepthwiseConv1DMatchesTorch(int steps, int cin, int multiplier, int k, int stride, int dilation, string padding,
        string activation)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new DepthwiseConv1D(k, stride, padding, multiplier, dilationRate: dilation, activation: activation);
        layer.Build([steps, cin]);
        TestData.Assign(layer.DepthwiseKernel, TestData.Normal(71, 0.5, k, cin, multiplier));
        TestData.Assign(layer.Bias!, TestData.Normal(72, 0.5, cin * multiplier));
        var x = TestData.Normal(73, 1.0, 3, steps, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(74, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.DepthwiseKernel(layer.DepthwiseKernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (left, right) = ConvParityTests.TfPads(padding, steps, k, stride, dilation);
        var z = F.conv1d(F.pad(tx, [left, right]), tw, tb, stride: stride, padding: 0, dilation: dilation, groups: cin).permute(0, 2, 1);
        var ty = TorchActivations.ByKerasName[activation](z);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"DepthwiseConv1D {k} x{multiplier} stride {stride} dilation {dilation} {padding} {activation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dkernel", layer.DepthwiseKernel.Grad!, tw.grad!.reshape(cin, multiplier, k).permute(2, 0, 1));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 1));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SeparableConv1DMatchesTorch(int steps, int cin, int multiplier, int k, int stride, int dilation, string padding,
        string activation)
    {
        TorchRuntime.EnsureLoaded();
        const int filters = 4;
        var layer = new SeparableConv1D(filters, k, stride, padding, multiplier, dilation, activation: activation);
        layer.Build([steps, cin]);
        TestData.Assign(layer.DepthwiseKernel, TestData.Normal(81, 0.5, layer.DepthwiseKernel.Shape));
        TestData.Assign(layer.PointwiseKernel, TestData.Normal(82, 0.5, layer.PointwiseKernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(83, 0.5, filters));
        var x = TestData.Normal(84, 1.0, 2, steps, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(85, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tDepthwise = Parity.Leaf64(WeightLayouts.DepthwiseKernel(layer.DepthwiseKernel, requiresGrad: false));
        // Keras [1, in·multiplier, filters] → torch [filters, in·multiplier, 1].
        var tPointwise = Parity.ToTorch(layer.PointwiseKernel).permute(2, 1, 0).contiguous().to_type(torch.float64).requires_grad_(true);
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (left, right) = ConvParityTests.TfPads(padding, steps, k, stride, dilation);
        var depthwise = F.conv1d(F.pad(tx, [left, right]), tDepthwise, stride: stride, dilation: dilation, groups: cin);
        var ty = TorchActivations.ByKerasName[activation](F.conv1d(depthwise, tPointwise, tb).permute(0, 2, 1));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"SeparableConv1D {k} x{multiplier} -> {filters} stride {stride} dilation {dilation} {padding} {activation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 1));
        Parity.Compare($"{what} dL/ddepthwise", layer.DepthwiseKernel.Grad!, tDepthwise.grad!.reshape(cin, multiplier, k).permute(2, 0, 1));
        Parity.Compare($"{what} dL/dpointwise", layer.PointwiseKernel.Grad!, tPointwise.grad!.permute(2, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }
}
