using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>GroupNormalization against torch's group_norm on a channels-first copy, with the same gamma and beta and
/// Keras's epsilon 1e-3.</summary>
public class GroupNormalizationParityTests
{
    [Theory]
    [InlineData(2, new[] { 3, 5, 4, 6 })]
    [InlineData(1, new[] { 2, 7, 4 })]
    [InlineData(4, new[] { 2, 3, 8 })]
    public void Output_and_gradients_match_torch(int groups, int[] shape)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new GroupNormalization(groups);
        layer.Build(shape[1..]);
        var (gamma, beta) = (layer.Weights[0], layer.Weights[1]);
        TestData.Assign(gamma, TestData.Uniform(1, 0.5, 1.5, gamma.Shape));
        TestData.Assign(beta, TestData.Normal(2, 0.5, beta.Shape));
        var x = (TestData.Normal(3, 1.5, shape) + 2f).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(4, 0.5, 1.5, shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = ConvParityTests.ChannelsFirstLeaf(x);
        var tGamma = Parity.Leaf64(Parity.ToTorch(gamma));
        var tBeta = Parity.Leaf64(Parity.ToTorch(beta));
        long[] back = [0, .. Enumerable.Range(2, shape.Length - 2).Select(d => (long)d), 1];
        var ty = F.group_norm(tx, groups, tGamma, tBeta, 1e-3).permute(back);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);
        string what = $"GroupNormalization {groups} groups on {Tensor.ShapeString(shape)}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} dL/dx", x.Grad!, tx.grad!.permute(back));
        Parity.CompareGradient($"{what} dL/dgamma", gamma, tGamma);
        Parity.CompareGradient($"{what} dL/dbeta", beta, tBeta);
    }
}
