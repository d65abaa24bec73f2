using Nabla.Autograd.Ops.Recurrent;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>LSTM</c>: kernel [features, 4·units], recurrent_kernel [units, 4·units], bias [4·units], gates
/// in Keras's order i, f, c, o. Defaults as keras/src/layers/rnn/lstm.py: activation tanh, recurrent_activation
/// sigmoid, glorot_uniform / orthogonal / zeros, unit_forget_bias true (the forget gate's bias starts at 1).
/// </summary>
public sealed class LSTM : RecurrentLayer
{
    public LSTM(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal",
        string biasInitializer = "zeros", bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0,
        bool returnSequences = false, bool goBackwards = false, int? seed = null, int[]? inputShape = null, string? name = null, bool returnState = false, bool stateful = false)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout,
            recurrentDropout, returnSequences, goBackwards, seed, inputShape, name, returnState, stateful)
    {
        RecurrentActivation = ActivationFunction.Get(recurrentActivation);
        UnitForgetBias = unitForgetBias;
    }

    private protected override string LayerClassName => "LSTM";

    /// <summary>Keras's default is sigmoid.</summary>
    public ActivationFunction RecurrentActivation { get; init; }

    /// <summary>Keras's default is true: the forget gate's bias starts at 1, the others from the bias initializer.</summary>
    public bool UnitForgetBias { get; }

    private protected override int GatesPerUnit => 4;

    /// <summary>h and the cell c.</summary>
    public override int StateCount => 2;

    private protected override void InitializeBias(Tensor bias)
    {
        if (UnitForgetBias) bias.Data.AsSpan(Units, Units).Fill(1f);
    }

    private protected override RecurrentOp CreateOp(Tensor inputs, RecurrentOptions options) =>
        new LstmOp(inputs, Kernel, RecurrentKernel, Bias, Activation, RecurrentActivation, options);

    /// <summary>The latest training step's values of one gate ("input", "forget", "cell", "output") after its
    /// activation, [timesteps, batch, units] in processing order; null before a training step.</summary>
    public float[]? GateValues(string gate)
    {
        int index = Array.IndexOf(GateNames, gate);
        if (index < 0)
            throw new ArgumentException($"LSTM gate '{gate}' is not one of {string.Join(", ", GateNames)}.", nameof(gate));
        return LastTrainingOp is LstmOp op ? GateSlice(op.GateValues, 4, index) : null;
    }

    private static readonly string[] GateNames = ["input", "forget", "cell", "output"];

    /// <summary>The three sigmoid gates; the cell candidate is a tanh of the input, not a gate.</summary>
    private protected override IReadOnlyList<(string Name, int Column)> WatchedGates => [("input", 0), ("forget", 1), ("output", 3)];

    private protected override void WriteCellConfig(Config config)
    {
        config["recurrent_activation"] = ActivationFunction.Serialize(RecurrentActivation);
        config["unit_forget_bias"] = UnitForgetBias;
    }

    public static LSTM FromConfig(Config config)
    {
        var a = ReadArgs(config, "LSTM");
        bool unitForgetBias = config.GetTruthy("unit_forget_bias", true);
        // Keras's unit_forget_bias builds the bias by calling bias_initializer, so a None one fails there.
        if (a.UseBias && unitForgetBias) RefuseNull(config, "LSTM", "bias_initializer");
        var layer = new LSTM(a.Units, null, null, a.UseBias, dropout: a.Dropout, recurrentDropout: a.RecurrentDropout,
            unitForgetBias: unitForgetBias, returnSequences: a.ReturnSequences,
            goBackwards: a.GoBackwards, seed: a.Seed, inputShape: a.InputShape, name: a.Name, returnState: a.ReturnState, stateful: a.Stateful)
        {
            RecurrentActivation = ActivationFunction.Deserialize(ActivationSpec(config, "recurrent_activation", "sigmoid")),
        };
        layer.Apply(a);
        return layer;
    }
}
