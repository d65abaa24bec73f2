using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Recurrent;

/// <summary>
/// LSTM, GRU (reset_after) and SimpleRNN against torch.nn.LSTM/GRU/RNN on identical weights: the output and the
/// gradients of the input, kernel, recurrent kernel and bias, for the last state and the whole sequence, forwards
/// and backwards. Layouts are mapped by <see cref="WeightLayouts"/>: torch keeps [gates·units, n] with LSTM gates
/// i, f, g, o (Keras's i, f, c, o), GRU gates r, z, n (Keras's z, r, h), and two biases that it adds.
/// goBackwards is torch on the time-reversed input: Keras emits its outputs in processing order too.
/// </summary>
public class RecurrentParityTests
{
    private const int Batch = 3, Steps = 6, Features = 4, Units = 5;

    public static TheoryData<bool, bool> Options() => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Options))]
    public void Lstm_matches_torch(bool returnSequences, bool goBackwards)
    {
        var layer = new LSTM(Units, returnSequences: returnSequences, goBackwards: goBackwards);
        var (x, outputGrad, y) = RunNabla(layer, 4);
        using var scope = torch.NewDisposeScope();
        var weights = WeightLayouts.Lstm(layer.Kernel, layer.RecurrentKernel, layer.Bias);
        var module = torch.nn.LSTM(Features, Units, batchFirst: true);
        var parameters = Load(module, weights);
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var (sequence, _, _) = module.forward(goBackwards ? tx.flip(1) : tx);
        CompareAll("LSTM", layer, x, tx, y, outputGrad, sequence, returnSequences, parameters);
        Parity.Compare("LSTM dL/dkernel", layer.Kernel.Grad!, parameters["weight_ih_l0"].grad!.t());
        Parity.Compare("LSTM dL/drecurrent_kernel", layer.RecurrentKernel.Grad!, parameters["weight_hh_l0"].grad!.t());
        Parity.Compare("LSTM dL/dbias", layer.Bias!.Grad!, parameters["bias_ih_l0"].grad!);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Gru_reset_after_matches_torch(bool returnSequences, bool goBackwards)
    {
        var layer = new GRU(Units, returnSequences: returnSequences, goBackwards: goBackwards);
        var (x, outputGrad, y) = RunNabla(layer, 3);
        using var scope = torch.NewDisposeScope();
        var weights = WeightLayouts.Gru(layer.Kernel, layer.RecurrentKernel, layer.Bias);
        var module = torch.nn.GRU(Features, Units, batchFirst: true);
        var parameters = Load(module, weights);
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var (sequence, _) = module.forward(goBackwards ? tx.flip(1) : tx);
        CompareAll("GRU", layer, x, tx, y, outputGrad, sequence, returnSequences, parameters);
        Parity.Compare("GRU dL/dkernel", layer.Kernel.Grad!, Parity.ToTorch(WeightLayouts.GruKernelToKeras(parameters["weight_ih_l0"].grad!)));
        Parity.Compare("GRU dL/drecurrent_kernel", layer.RecurrentKernel.Grad!,
            Parity.ToTorch(WeightLayouts.GruKernelToKeras(parameters["weight_hh_l0"].grad!)));
        var biasGrad = WeightLayouts.GruBiasToKeras(parameters["bias_ih_l0"].grad!, parameters["bias_hh_l0"].grad!);
        Parity.Compare("GRU dL/dbias", layer.Bias!.Grad!, Parity.ToTorch(biasGrad));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void SimpleRnn_matches_torch(bool returnSequences, bool goBackwards)
    {
        var layer = new SimpleRNN(Units, returnSequences: returnSequences, goBackwards: goBackwards);
        var (x, outputGrad, y) = RunNabla(layer, 1);
        using var scope = torch.NewDisposeScope();
        var module = torch.nn.RNN(Features, Units, batchFirst: true);
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => (TorchTensor)p.parameter);
        using (torch.no_grad())
        {
            parameters["weight_ih_l0"].copy_(Parity.ToTorch(layer.Kernel).t());
            parameters["weight_hh_l0"].copy_(Parity.ToTorch(layer.RecurrentKernel).t());
            parameters["bias_ih_l0"].copy_(Parity.ToTorch(layer.Bias!));
            parameters["bias_hh_l0"].zero_();
        }
        var tx = Parity.ToTorch(x, requiresGrad: true);
        var (sequence, _) = module.forward(goBackwards ? tx.flip(1) : tx, null);
        CompareAll("SimpleRNN", layer, x, tx, y, outputGrad, sequence, returnSequences, parameters);
        Parity.Compare("SimpleRNN dL/dkernel", layer.Kernel.Grad!, parameters["weight_ih_l0"].grad!.t());
        Parity.Compare("SimpleRNN dL/drecurrent_kernel", layer.RecurrentKernel.Grad!, parameters["weight_hh_l0"].grad!.t());
        Parity.Compare("SimpleRNN dL/dbias", layer.Bias!.Grad!, parameters["bias_ih_l0"].grad!);
    }

    /// <summary>Builds the layer with a non-zero bias, runs it on random inputs and backpropagates random output weights.</summary>
    private static (Tensor X, Tensor OutputGrad, Tensor Y) RunNabla(RecurrentLayer layer, int gates)
    {
        TorchRuntime.EnsureLoaded();
        layer.Build([Steps, Features]);
        TestData.Assign(layer.Bias!, TestData.Normal(5, 0.3, layer.Bias!.Shape));
        var x = TestData.Normal(6, 1.0, Batch, Steps, Features).RequireGrad();
        var y = layer.Call(x, training: true);
        var outputGrad = TestData.Uniform(7, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);
        Assert.Equal(gates * Units, layer.Kernel.Shape[1]);
        return (x, outputGrad, y);
    }

    /// <summary>Copies Keras-layout weights mapped by <see cref="WeightLayouts"/> into a torch recurrent module.</summary>
    internal static Dictionary<string, TorchTensor> Load(torch.nn.Module module, RecurrentWeights weights)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => (TorchTensor)p.parameter);
        using (torch.no_grad())
        {
            parameters["weight_ih_l0"].copy_(weights.WeightIh);
            parameters["weight_hh_l0"].copy_(weights.WeightHh);
            parameters["bias_ih_l0"].copy_(weights.BiasIh);
            parameters["bias_hh_l0"].copy_(weights.BiasHh);
        }
        return parameters;
    }

    private static void CompareAll(string what, RecurrentLayer layer, Tensor x, TorchTensor tx, Tensor y, Tensor outputGrad,
        TorchTensor sequence, bool returnSequences, Dictionary<string, TorchTensor> parameters)
    {
        var ty = returnSequences ? sequence : sequence.select(1, Steps - 1);
        ty.backward([Parity.ToTorch(outputGrad)]);
        Parity.Compare($"{what} output", y, ty);
        Parity.CompareGradient($"{what} dL/dx", x, tx);
        Assert.NotNull(parameters["weight_hh_l0"].grad);
        Assert.Equal(layer.Units, (int)parameters["weight_hh_l0"].shape[1]);
    }
}
