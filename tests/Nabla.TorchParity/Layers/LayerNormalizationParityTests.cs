using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>LayerNormalization against torch's layer_norm over the same trailing axes, with the same gamma and beta and
/// Keras's epsilon (1e-3, where torch's default is 1e-5).</summary>
public class LayerNormalizationParityTests
{
    [Theory]
    [InlineData(new[] { -1 }, new[] { 8, 5 })]
    [InlineData(new[] { -1 }, new[] { 3, 7, 33 })]
    [InlineData(new[] { 1, 2 }, new[] { 4, 6, 10 })]
    [InlineData(new[] { 1, 2, 3 }, new[] { 2, 5, 5, 3 })]
    public void Output_and_gradients_match_torch(int[] axis, int[] shape)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new LayerNormalization(axis);
        layer.Build(shape[1..]);
        var (gamma, beta) = (layer.Weights[0], layer.Weights[1]);
        TestData.Assign(gamma, TestData.Uniform(1, 0.5, 1.5, gamma.Shape));
        TestData.Assign(beta, TestData.Normal(2, 0.5, beta.Shape));
        // An offset mean, so that a one-pass variance would lose digits.
        var x = (TestData.Normal(3, 1.5, shape) + 4f).RequireGrad();
        var outputGrad = TestData.Uniform(4, 0.5, 1.5, shape);
        var y = layer.Call(x, training: true);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var tGamma = Parity.ToTorch(gamma, requiresGrad: true);
        var tBeta = Parity.ToTorch(beta, requiresGrad: true);
        var ty = F.layer_norm(tx, gamma.Shape.Select(d => (long)d).ToArray(), tGamma, tBeta, 1e-3);
        ty.backward([Parity.ToTorch(outputGrad)]);
        string what = $"LayerNormalization axis [{string.Join(", ", axis)}] on {Tensor.ShapeString(shape)}";
        Parity.Compare($"{what} output", y, ty);
        Parity.CompareGradient($"{what} dL/dx", x, tx);
        Parity.CompareGradient($"{what} dL/dgamma", gamma, tGamma);
        Parity.CompareGradient($"{what} dL/dbeta", beta, tBeta);
    }
}
