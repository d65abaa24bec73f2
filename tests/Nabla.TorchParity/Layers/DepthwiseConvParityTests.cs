using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// DepthwiseConv2D against torch's conv2d with groups = in_channels on the same weights (Keras kernel
/// [kh, kw, in, multiplier] = torch weight [in·multiplier, 1, kh, kw], <see cref="WeightLayouts.DepthwiseKernel"/>):
/// output, input gradient, kernel and bias gradients. As in <see cref="ConvParityTests"/>, the torch side is
/// channels-first and float64, and "same" padding is an explicit F.pad with TensorFlow's split (the odd cell after).
/// </summary>
public class DepthwiseConvParityTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, string, string> Cases => new()
    {
        // h, w, in, multiplier, kh, kw, stride, dilation, padding, activation
        { 7, 7, 3, 1, 3, 3, 1, 1, "valid", "relu" },
        { 7, 6, 3, 1, 3, 3, 1, 1, "same", "linear" },
        { 8, 7, 2, 1, 3, 3, 2, 1, "valid", "linear" },
        { 8, 9, 2, 1, 3, 3, 2, 1, "same", "relu6" },
        { 7, 7, 3, 2, 3, 3, 1, 1, "valid", "tanh" },
        { 7, 6, 2, 2, 2, 4, 1, 1, "same", "sigmoid" },
        { 9, 8, 3, 2, 3, 3, 2, 1, "same", "linear" },
        { 9, 9, 2, 3, 3, 3, 1, 2, "valid", "linear" },
        { 8, 8, 4, 1, 3, 3, 1, 2, "same", "relu" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DepthwiseConv2DMatchesTorch(int h, int w, int cin, int multiplier, int kh, int kw, int stride, int dilation,
        string padding, string activation)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new DepthwiseConv2D((kh, kw), strides: stride, padding: padding, depthMultiplier: multiplier, dilationRate: dilation,
            activation: activation);
        layer.Build([h, w, cin]);
        TestData.Assign(layer.DepthwiseKernel, TestData.Normal(51, 0.5, kh, kw, cin, multiplier));
        TestData.Assign(layer.Bias!, TestData.Normal(52, 0.5, cin * multiplier));
        var x = TestData.Normal(53, 1.0, 3, h, w, cin).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(54, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tw = Parity.Leaf64(WeightLayouts.DepthwiseKernel(layer.DepthwiseKernel, requiresGrad: false));
        var tb = Parity.Leaf64(Parity.ToTorch(layer.Bias!));
        var (top, bottom) = ConvParityTests.TfPads(padding, h, kh, stride, dilation);
        var (left, right) = ConvParityTests.TfPads(padding, w, kw, stride, dilation);
        var padded = F.pad(tx, [left, right, top, bottom]);
        var z = F.conv2d(padded, tw, tb, strides: [stride, stride], padding: [0, 0], dilation: [dilation, dilation], groups: cin)
            .permute(0, 2, 3, 1);
        var ty = TorchActivations.ByKerasName[activation](z);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);

        string what = $"DepthwiseConv2D {kh}x{kw} x{multiplier} stride {stride} dilation {dilation} {padding} {activation}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dkernel", layer.DepthwiseKernel.Grad!, tw.grad!.reshape(cin, multiplier, kh, kw).permute(2, 3, 0, 1));
        Parity.CompareGradient($"{what} dL/dbias", layer.Bias!, tb);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1));
    }
}
