using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Support;

/// <summary>PyTorch's counterpart of each Keras activation name that PyTorch has, with Keras's parameters.</summary>
public static class TorchActivations
{
    /// <summary>Keras leaky_relu's default negative_slope (keras/src/activations/activations.py); torch's default is 0.01.</summary>
    public const double KerasLeakyReluSlope = 0.2;

    public static readonly IReadOnlyDictionary<string, Func<TorchTensor, TorchTensor>> ByKerasName =
        new Dictionary<string, Func<TorchTensor, TorchTensor>>
        {
            ["linear"] = x => x,
            ["relu"] = x => F.relu(x),
            ["relu6"] = x => F.relu6(x),
            ["leaky_relu"] = x => F.leaky_relu(x, KerasLeakyReluSlope),
            ["elu"] = x => F.elu(x, 1.0),
            ["selu"] = x => F.selu(x),
            ["gelu"] = x => F.gelu(x),
            ["sigmoid"] = x => torch.sigmoid(x),
            // Keras 3: relu6(x + 3) / 6 (keras/src/activations/activations.py); torch.nn.Hardsigmoid is the same
            // function (Keras 2's 0.2·x + 0.5 is not).
            ["hard_sigmoid"] = x => F.hardsigmoid(x),
            ["tanh"] = x => torch.tanh(x),
            ["softmax"] = x => F.softmax(x, -1),
            ["log_softmax"] = x => F.log_softmax(x, -1),
            ["softplus"] = x => F.softplus(x),
            ["softsign"] = x => F.softsign(x),
            ["silu"] = x => F.silu(x),
            ["exponential"] = x => torch.exp(x),
        };
}
