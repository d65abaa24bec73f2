using Nabla.Autograd.Ops.Recurrent;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>SimpleRNN</c>: h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel + bias), kernel
/// [features, units], recurrent_kernel [units, units], bias [units]. Defaults as
/// keras/src/layers/rnn/simple_rnn.py: tanh, glorot_uniform / orthogonal / zeros.
/// </summary>
public sealed class SimpleRNN : RecurrentLayer
{
    public SimpleRNN(int units, string? activation = "tanh", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal",
        string biasInitializer = "zeros", double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool goBackwards = false, int? seed = null, int[]? inputShape = null, string? name = null, bool returnState = false, bool stateful = false)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout,
            recurrentDropout, returnSequences, goBackwards, seed, inputShape, name, returnState, stateful)
    {
    }

    private protected override string LayerClassName => "SimpleRNN";

    private protected override int GatesPerUnit => 1;

    private protected override RecurrentOp CreateOp(Tensor inputs, RecurrentOptions options) =>
        new SimpleRnnOp(inputs, Kernel, RecurrentKernel, Bias, Activation, options);

    public static SimpleRNN FromConfig(Config config)
    {
        var a = ReadArgs(config, "SimpleRNN");
        var layer = new SimpleRNN(a.Units, null, a.UseBias, dropout: a.Dropout, recurrentDropout: a.RecurrentDropout,
            returnSequences: a.ReturnSequences, goBackwards: a.GoBackwards, seed: a.Seed, inputShape: a.InputShape,
            name: a.Name, returnState: a.ReturnState, stateful: a.Stateful);
        layer.Apply(a);
        return layer;
    }
}
