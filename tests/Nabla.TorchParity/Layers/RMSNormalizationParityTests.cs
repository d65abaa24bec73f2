using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;

namespace Nabla.TorchParity.Layers;

/// <summary>RMSNormalization against torch on the same scale and epsilon: x·rsqrt(mean(x²) + ε)·scale over the trailing
/// axes, which is torch.nn.functional.rms_norm's formula and Keras's torch backend's call.</summary>
public class RMSNormalizationParityTests
{
    [Theory]
    [InlineData(new[] { -1 }, new[] { 8, 5 })]
    [InlineData(new[] { -1 }, new[] { 3, 7, 33 })]
    [InlineData(new[] { 1, 2 }, new[] { 4, 6, 10 })]
    public void Output_and_gradients_match_torch(int[] axis, int[] shape)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new RMSNormalization(axis);
        layer.Build(shape[1..]);
        var scale = layer.Weights[0];
        TestData.Assign(scale, TestData.Uniform(1, 0.5, 1.5, scale.Shape));
        var x = TestData.Normal(3, 1.5, shape).RequireGrad();
        var outputGrad = TestData.Uniform(4, 0.5, 1.5, shape);
        var y = layer.Call(x, training: true);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var tScale = Parity.ToTorch(scale, requiresGrad: true);
        long[] dims = [.. Enumerable.Range(shape.Length - scale.Rank, scale.Rank).Select(d => (long)d)];
        var ty = tx * torch.rsqrt(tx.square().mean(dims, keepdim: true) + 1e-6) * tScale;
        ty.backward([Parity.ToTorch(outputGrad)]);
        string what = $"RMSNormalization axis [{string.Join(", ", axis)}] on {Tensor.ShapeString(shape)}";
        Parity.Compare($"{what} output", y, ty);
        Parity.CompareGradient($"{what} dL/dx", x, tx);
        Parity.CompareGradient($"{what} dL/dscale", scale, tScale);
    }
}
