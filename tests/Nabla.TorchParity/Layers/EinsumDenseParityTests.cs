using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;

namespace Nabla.TorchParity.Layers;

/// <summary>EinsumDense against torch.einsum(equation, x, kernel) + bias on the same weights: Keras's call
/// (keras/src/layers/core/einsum_dense.py) is ops.einsum then the bias, so the equation goes to torch unchanged.
/// Output, input, kernel and bias gradients.</summary>
public class EinsumDenseParityTests
{
    [Theory]
    [InlineData("ab,bc->ac", new[] { 6 }, "c", new[] { 7 })]
    [InlineData("abc,cde->abde", new[] { -1, 3, 4 }, "de", new[] { 5, 6 })]
    [InlineData("abcd,cde->abe", new[] { -1, 4 }, "e", new[] { 3, 2, 5 })]
    [InlineData("abc,bcd->abd", new[] { -1, 4 }, "bd", new[] { 3, 5 })]
    [InlineData("...b,bc->...c", new[] { 4 }, "c", new[] { 3, 5 })]
    [InlineData("ab...,bc->ac...", new[] { 4 }, "c", new[] { 3, 5 })]
    [InlineData("abc,cd->ad", new[] { 4 }, null, new[] { 3, 5 })]
    public void Forward_and_gradients_match_torch_einsum(string equation, int[] outputShape, string? biasAxes, int[] inputShape)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new EinsumDense(equation, outputShape, biasAxes: biasAxes);
        layer.Build(inputShape);
        TestData.Assign(layer.Kernel, TestData.Normal(11, 0.6, layer.Kernel.Shape));
        if (layer.Bias is { } bias) TestData.Assign(bias, TestData.Normal(12, 0.5, bias.Shape));
        var x = TestData.Normal(13, 1.0, [4, .. inputShape]).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(14, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var tw = Parity.ToTorch(layer.Kernel, requiresGrad: true);
        var tb = layer.Bias is { } b ? Parity.ToTorch(b, requiresGrad: true) : null;
        var ty = torch.einsum(equation, tx, tw);
        if (tb is not null) ty = ty + tb;
        ty.backward([Parity.ToTorch(outputGrad)]);

        Parity.Compare($"EinsumDense {equation} output", y, ty);
        Parity.CompareGradient($"EinsumDense {equation} dL/dx", x, tx);
        Parity.CompareGradient($"EinsumDense {equation} dL/dkernel", layer.Kernel, tw);
        if (tb is not null) Parity.CompareGradient($"EinsumDense {equation} dL/dbias", layer.Bias!, tb);
    }
}
