using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Recurrent;

/// <summary>
/// LSTM and GRU started from given states and returning their final states (Keras's initial_state and return_state)
/// against torch.nn.LSTM/GRU called with (h_0, c_0) and returning (h_n, c_n), on identical weights: the output, the
/// final states, and the gradients of the input, the initial states and the weights, the loss weighing the output and
/// both final states.
/// </summary>
public class RecurrentStateParityTests
{
    private const int Batch = 3, Steps = 6, Features = 4, Units = 5;

    public static TheoryData<bool, bool> Options() => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Options))]
    public void Lstm_from_given_states_returning_them_matches_torch(bool returnSequences, bool goBackwards)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new LSTM(Units, returnSequences: returnSequences, goBackwards: goBackwards, returnState: true);
        var (x, states, outputs, grads) = RunNabla(layer, 2);
        using var scope = torch.NewDisposeScope();
        var module = torch.nn.LSTM(Features, Units, batchFirst: true);
        var parameters = RecurrentParityTests.Load(module, WeightLayouts.Lstm(layer.Kernel, layer.RecurrentKernel, layer.Bias));
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var th = Parity.ToTorch(states[0], requiresGrad: true);
        var tc = Parity.ToTorch(states[1], requiresGrad: true);
        var (sequence, hn, cn) = module.forward(goBackwards ? tx.flip(1) : tx, (th.unsqueeze(0), tc.unsqueeze(0)));
        Compare("LSTM", outputs, grads, [Output(sequence, returnSequences), hn.squeeze(0), cn.squeeze(0)]);
        Parity.CompareGradient("LSTM dL/dx", x, tx);
        Parity.CompareGradient("LSTM dL/dh_0", states[0], th);
        Parity.CompareGradient("LSTM dL/dc_0", states[1], tc);
        Parity.Compare("LSTM dL/dkernel", layer.Kernel.Grad!, parameters["weight_ih_l0"].grad!.t());
        Parity.Compare("LSTM dL/drecurrent_kernel", layer.RecurrentKernel.Grad!, parameters["weight_hh_l0"].grad!.t());
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Gru_from_a_given_state_returning_it_matches_torch(bool returnSequences, bool goBackwards)
    {
        TorchRuntime.EnsureLoaded();
        var layer = new GRU(Units, returnSequences: returnSequences, goBackwards: goBackwards, returnState: true);
        var (x, states, outputs, grads) = RunNabla(layer, 1);
        using var scope = torch.NewDisposeScope();
        var module = torch.nn.GRU(Features, Units, batchFirst: true);
        var parameters = RecurrentParityTests.Load(module, WeightLayouts.Gru(layer.Kernel, layer.RecurrentKernel, layer.Bias));
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var th = Parity.ToTorch(states[0], requiresGrad: true);
        var (sequence, hn) = module.forward(goBackwards ? tx.flip(1) : tx, th.unsqueeze(0));
        Compare("GRU", outputs, grads, [Output(sequence, returnSequences), hn.squeeze(0)]);
        Parity.CompareGradient("GRU dL/dx", x, tx);
        Parity.CompareGradient("GRU dL/dh_0", states[0], th);
        Parity.Compare("GRU dL/drecurrent_kernel", layer.RecurrentKernel.Grad!,
            Parity.ToTorch(WeightLayouts.GruKernelToKeras(parameters["weight_hh_l0"].grad!)));
    }

    private static TorchTensor Output(TorchTensor sequence, bool returnSequences) =>
        returnSequences ? sequence : sequence.select(1, Steps - 1);

    /// <summary>Builds the layer with a non-zero bias, runs it from random states and backpropagates a loss that weighs
    /// every returned tensor by fixed random weights.</summary>
    private static (Tensor X, Tensor[] States, IReadOnlyList<Tensor> Outputs, Tensor[] Grads) RunNabla(RecurrentLayer layer, int stateCount)
    {
        layer.Build([Steps, Features]);
        TestData.Assign(layer.Bias!, TestData.Normal(5, 0.3, layer.Bias!.Shape));
        var x = TestData.Normal(6, 1.0, Batch, Steps, Features).RequireGrad();
        var states = Enumerable.Range(0, stateCount).Select(k => TestData.Normal(20 + k, 0.5, Batch, Units).RequireGrad()).ToArray();
        var outputs = layer.CallAll(x, states, training: true);
        Assert.Equal(1 + stateCount, outputs.Count);
        var grads = outputs.Select((o, k) => TestData.Uniform(7 + k, 0.5, 1.5, o.Shape)).ToArray();
        var loss = outputs.Select((o, k) => Tensor.Sum(o * grads[k])).Aggregate((a, b) => a + b);
        new Graph(loss).Backward();
        return (x, states, outputs, grads);
    }

    private static void Compare(string what, IReadOnlyList<Tensor> outputs, Tensor[] grads, TorchTensor[] expected)
    {
        var loss = expected.Select((t, k) => (t * Parity.ToTorch(grads[k])).sum()).Aggregate((a, b) => a + b);
        loss.backward();
        Parity.Compare($"{what} output", outputs[0], expected[0]);
        Parity.Compare($"{what} final h", outputs[1], expected[1]);
        if (expected.Length > 2) Parity.Compare($"{what} final c", outputs[2], expected[2]);
    }
}
