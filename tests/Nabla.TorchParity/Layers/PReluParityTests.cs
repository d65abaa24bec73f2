using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>PReLU against torch's prelu, whose weight holds one slope per channel (axis 1, channels first): Keras's
/// PReLU with one alpha per feature of [batch, features], and with shared_axes [1, 2] on channels-last images.</summary>
public class PReluParityTests
{
    [Fact]
    public void PReLU_per_feature_and_per_channel_matches_torch_prelu()
    {
        TorchRuntime.EnsureLoaded();
        Check(new PReLU(), [6, 5], x => x, y => y);
        Check(new PReLU(sharedAxes: [1, 2]), [2, 4, 3, 5], x => x.permute(0, 3, 1, 2), y => y.permute(0, 2, 3, 1));
    }

    private static void Check(PReLU layer, int[] shape, Func<torch.Tensor, torch.Tensor> toTorchLayout, Func<torch.Tensor, torch.Tensor> back)
    {
        layer.Build(shape[1..]);
        int channels = shape[^1];
        TestData.Assign(layer.Alpha, TestData.Uniform(1, -0.5, 0.8, layer.Alpha.Shape));
        var x = TestData.Normal(2, 1.0, shape).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(3, 0.5, 1.5, shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var tAlpha = Parity.ToTorch(layer.Alpha).reshape(channels).detach().requires_grad_(true);
        var ty = back(F.prelu(toTorchLayout(tx), tAlpha));
        ty.backward([Parity.ToTorch(outputGrad)]);
        string what = $"PReLU on {Tensor.ShapeString(shape)}";
        Parity.Compare($"{what} output", y, ty);
        Parity.CompareGradient($"{what} dL/dx", x, tx);
        Parity.Compare($"{what} dL/dalpha", layer.Alpha.Grad!, tAlpha.grad!.reshape(layer.Alpha.Shape.Select(d => (long)d).ToArray()));
    }
}
