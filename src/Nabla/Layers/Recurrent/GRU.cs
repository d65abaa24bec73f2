using Nabla.Autograd.Ops.Recurrent;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>GRU</c>: kernel [features, 3·units], recurrent_kernel [units, 3·units], gates in Keras's order
/// z, r, h. With reset_after (Keras 3's default) the reset gate multiplies h_{t-1}·U_h and the bias is
/// [2, 3·units] (input bias, recurrent bias); without it the reset gate multiplies h_{t-1} and the bias is
/// [3·units]. Defaults as keras/src/layers/rnn/gru.py.
/// </summary>
public sealed class GRU : RecurrentLayer
{
    public GRU(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal",
        string biasInitializer = "zeros", double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool goBackwards = false, bool resetAfter = true, int? seed = null, int[]? inputShape = null, string? name = null, bool returnState = false, bool stateful = false)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout,
            recurrentDropout, returnSequences, goBackwards, seed, inputShape, name, returnState, stateful)
    {
        RecurrentActivation = ActivationFunction.Get(recurrentActivation);
        ResetAfter = resetAfter;
    }

    private protected override string LayerClassName => "GRU";

    /// <summary>Keras's default is sigmoid.</summary>
    public ActivationFunction RecurrentActivation { get; init; }

    /// <summary>Keras 3's default is true.</summary>
    public bool ResetAfter { get; }

    private protected override int GatesPerUnit => 3;

    private protected override int[] BiasShape => ResetAfter ? [2, 3 * Units] : [3 * Units];

    private protected override RecurrentOp CreateOp(Tensor inputs, RecurrentOptions options) =>
        new GruOp(inputs, Kernel, RecurrentKernel, Bias, Activation, RecurrentActivation, ResetAfter, options);

    /// <summary>The latest training step's values of one gate ("update", "reset", "candidate") after its activation,
    /// [timesteps, batch, units] in processing order; null before a training step.</summary>
    public float[]? GateValues(string gate)
    {
        int index = Array.IndexOf(GateNames, gate);
        if (index < 0)
            throw new ArgumentException($"GRU gate '{gate}' is not one of {string.Join(", ", GateNames)}.", nameof(gate));
        return LastTrainingOp is GruOp op ? GateSlice(op.GateValues, 3, index) : null;
    }

    private static readonly string[] GateNames = ["update", "reset", "candidate"];

    /// <summary>The two sigmoid gates; the candidate is a tanh, not a gate.</summary>
    private protected override IReadOnlyList<(string Name, int Column)> WatchedGates => [("update", 0), ("reset", 1)];

    private protected override void WriteCellConfig(Config config)
    {
        config["recurrent_activation"] = ActivationFunction.Serialize(RecurrentActivation);
        config["reset_after"] = ResetAfter;
    }

    public static GRU FromConfig(Config config)
    {
        var a = ReadArgs(config, "GRU");
        var layer = new GRU(a.Units, null, null, a.UseBias, dropout: a.Dropout, recurrentDropout: a.RecurrentDropout,
            returnSequences: a.ReturnSequences, goBackwards: a.GoBackwards,
            resetAfter: config.GetTruthy("reset_after", true), seed: a.Seed, inputShape: a.InputShape, name: a.Name, returnState: a.ReturnState, stateful: a.Stateful)
        {
            RecurrentActivation = ActivationFunction.Deserialize(ActivationSpec(config, "recurrent_activation", "sigmoid")),
        };
        layer.Apply(a);
        return layer;
    }
}
