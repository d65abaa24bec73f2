using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>SeparableConv2D against torch's grouped conv2d (groups = in_channels) followed by a 1×1 conv2d with the
/// bias, on the same weights; float64 and TensorFlow's "same" split as in <see cref="DepthwiseConvParityTests"/>.</summary>
public class SeparableConvParityTests
{
    [Theory]
    // h, w, in, multiplier, filters, k, stride, padding, activation
    [InlineData(7, 6, 3, 1, 4, 3, 1, "valid", "relu")]
    [InlineData(8, 7, 2, 2, 5, 3, 2, "same", "linear")]
    [InlineData(6, 6, 4, 1, 2, 2, 1, "same", "tanh")]
    public void SeparableConv2DMatchesTorch(int h, int w, int cin, int multiplier, int filters, int k, int stride, string padding,
        string activation)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new SeparableConv2D(filters, k, stride, padding, multiplier, activation: activation);
        layer.Build([h, w, cin]);
        TestData.Assign(layer.DepthwiseKernel, TestData.Normal(61, 0.5, layer.DepthwiseKernel.Shape));
        TestData.Assign(layer.PointwiseKernel, TestData.Normal(62, 0.5, layer.PointwiseKernel.Shape));
        TestData.Assign(layer.Bias!, TestData.Normal(63, 0.5, filters));
        var x = TestData.Normal(64, 1.0, 2, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(65, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tDepthwise = Parity.Leaf64(WeightLayouts.DepthwiseKernel(layer.DepthwiseKernel, requiresGrad: false));
        var tPointwise = Parity.ToTorch(layer.PointwiseKernel).permute(3, 2, 0, 1).contiguous().to_type(torch.float64).requires_grad_(true);
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (top, bottom) = ConvParityTests.TfPads(padding, h, k, stride, 1);
        var (left, right) = ConvParityTests.TfPads(padding, w, k, stride, 1);
        var depthwise = F.conv2d(F.pad(tx, [left, right, top, bottom]), tDepthwise, strides: [stride, stride], groups: cin);
        var ty = TorchActivations.ByKerasName[activation](F.conv2d(depthwise, tPointwise, tb).permute(0, 2, 3, 1));
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"SeparableConv2D {k}x{k} x{multiplier} -> {filters} stride {stride} {padding} {activation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1));
        Parity.Compare($"{what} dL/ddepthwise", layer.DepthwiseKernel.Grad!, tDepthwise.grad!.reshape(cin, multiplier, k, k).permute(2, 3, 0, 1));
        Parity.Compare($"{what} dL/dpointwise", layer.PointwiseKernel.Grad!, tPointwise.grad!.permute(2, 3, 1, 0));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
    }
}
