using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// Dense with each activation PyTorch has: forward output, input gradient, kernel and bias gradients against
/// torch's F.linear + activation on the same weights (Keras kernel [in, out] = torch weight transposed).
/// </summary>
public class DenseParityTests
{
    public static TheoryData<string> Activations() => [.. TorchActivations.ByKerasName.Keys];

    [Theory]
    [MemberData(nameof(Activations))]
    public void Forward_and_gradients_match_torch_linear(string activation)
    {
        TorchRuntime.EnsureLoaded();
        const int batch = 5, inputs = 7, units = 6;
        var layer = new Dense(units, activation);
        layer.Build([inputs]);
        // Weights and inputs of order 1 so pre-activations cover both sides of every kink and saturation.
        TestData.Assign(layer.Kernel, TestData.Normal(11, 0.6, inputs, units));
        TestData.Assign(layer.Bias!, TestData.Normal(12, 0.5, units));
        var x = TestData.Normal(13, 1.0, batch, inputs).RequireGrad();
        var outputGrad = TestData.Uniform(14, 0.5, 1.5, batch, units);

        var y = layer.Call(x, training: true);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var tw = WeightLayouts.DenseKernel(layer.Kernel);
        var tb = Parity.ToTorch(layer.Bias!, requiresGrad: true);
        var ty = TorchActivations.ByKerasName[activation](F.linear(tx, tw, tb));
        ty.backward([Parity.ToTorch(outputGrad)]);

        Parity.Compare($"Dense({activation}) output", y, ty);
        Parity.CompareGradient($"Dense({activation}) dL/dx", x, tx);
        Parity.Compare($"Dense({activation}) dL/dkernel", layer.Kernel.Grad!, tw.grad!.t());
        Parity.CompareGradient($"Dense({activation}) dL/dbias", layer.Bias!, tb);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gelu_exact_and_tanh_approximation_match_torch(bool approximate)
    {
        TorchRuntime.EnsureLoaded();
        var x = TestData.Uniform(21, -5, 5, 4, 9).RequireGrad();
        var outputGrad = TestData.Uniform(22, 0.5, 1.5, 4, 9);
        var y = new Nabla.Activations.Gelu(approximate).Apply(x);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var ty = tx.gelu(approximate ? TorchSharp.Modules.GELU.Approximate.tanh : TorchSharp.Modules.GELU.Approximate.none);
        ty.backward([Parity.ToTorch(outputGrad)]);
        Parity.Compare($"gelu(approximate={approximate})", y, ty);
        Parity.CompareGradient($"gelu(approximate={approximate}) dx", x, tx);
    }
}
