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
    [MemberData(nameof(Activations))]
    public void Activation_matches_torch_far_into_saturation(string activation) =>
        // Inputs in [-30, 30] reach where naive formulas overflow or cancel (exp, softplus, sigmoid, selu, silu,
        // softmax); 37 columns leave a scalar tail after every vector width.
        Parity.CompareOp($"{activation} on [-30, 30]", [TestData.Uniform(31, -30, 30, 3, 37)],
            x => Nabla.Activations.Activation.Get(activation).Apply(x[0]), t => TorchActivations.ByKerasName[activation](t[0]));

    [Fact]
    public void Activation_parameters_match_torch()
    {
        var x = TestData.Normal(32, 2.0, 4, 9);
        Parity.CompareOp("elu alpha 0.5", [x], v => new Nabla.Activations.Elu(0.5).Apply(v[0]), t => F.elu(t[0], 0.5));
        // The LeakyReLU layer's Keras default slope is 0.3 (the function's is 0.2).
        Parity.CompareOp("leaky_relu slope 0.3", [x], v => new Nabla.Activations.LeakyRelu(0.3).Apply(v[0]), t => F.leaky_relu(t[0], 0.3));
    }

    [Fact]
    public void Dense_on_a_sequence_matches_torch_linear()
    {
        // Keras's Dense applies to the last axis of any rank: [batch, steps, features].
        var layer = new Dense(4, "tanh");
        layer.Build([3, 5]);
        TestData.Assign(layer.Kernel, TestData.Normal(33, 0.6, 5, 4));
        TestData.Assign(layer.Bias!, TestData.Normal(34, 0.5, 4));
        using var scope = torch.NewDisposeScope();
        var tw = WeightLayouts.DenseKernel(layer.Kernel, requiresGrad: false);
        var tb = Parity.ToTorch(layer.Bias!);
        Parity.CompareOp("Dense(tanh) on [2, 3, 5]", [TestData.Normal(35, 1.0, 2, 3, 5)],
            x => layer.Call(x[0], training: true), t => torch.tanh(F.linear(t[0], tw, tb)));
    }

    [Fact]
    public void Every_registered_activation_is_compared()
    {
        // A new activation must get a torch counterpart here (or a reason why PyTorch has none).
        var missing = Nabla.Activations.Activation.Registry.Names
            .Select(n => Nabla.Activations.Activation.Get(n).Name).Distinct()
            .Where(n => !TorchActivations.ByKerasName.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, $"Activations without a PyTorch comparison: {string.Join(", ", missing)}.");
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
