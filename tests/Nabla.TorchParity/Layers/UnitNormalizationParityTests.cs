using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>UnitNormalization against torch's normalize (p = 2) over the same axis: output and input gradient. The two
/// floors differ (Keras's 1e-12 under the sum of squares, torch's 1e-12 under the norm), which only shows on near-zero
/// samples, absent here.</summary>
public class UnitNormalizationParityTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void UnitNormalization_matches_torch_normalize(int axis)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new UnitNormalization([axis]);
        var x = TestData.Normal(5, 1.0, 4, 3, 6).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(6, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var ty = F.normalize(tx, p: 2, dim: axis);
        ty.backward([Parity.ToTorch(outputGrad)]);
        Parity.Compare($"UnitNormalization axis {axis} output", y, ty);
        Parity.CompareGradient($"UnitNormalization axis {axis} dL/dx", x, tx);
    }
}
