using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's recurrent layers share (keras/src/layers/rnn/rnn.py and its cells' common options), whether their cell is
/// dense (<see cref="RecurrentLayer"/>: SimpleRNN, LSTM, GRU) or convolutional (<see cref="ConvLSTM"/>): a kernel, a
/// recurrent kernel and a bias with their initializers, regularizers and constraints; the activation; dropout on the
/// inputs and on the state; the output as the last state or every state (<see cref="ReturnSequences"/>), the final states
/// after it (<see cref="ReturnState"/>), calls from given initial states (Keras's <c>initial_state</c>), and the config
/// keys for all of these. Keras 3 keeps the weights in the layer's cell ("layers/lstm/cell/vars").
/// </summary>
public abstract class RnnLayer : Layer
{
    private protected RnnLayer(string? activation, bool useBias, string kernelInitializer, string recurrentInitializer,
        string biasInitializer, double dropout, double recurrentDropout, bool returnSequences, bool returnState, bool goBackwards,
        int? seed, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"{ClassName} 'dropout' must be in [0, 1), found {dropout}.", nameof(dropout));
        if (!(recurrentDropout >= 0 && recurrentDropout < 1))
            throw new ArgumentException($"{ClassName} 'recurrent_dropout' must be in [0, 1), found {recurrentDropout}.", nameof(recurrentDropout));
        this.activation = ActivationFunction.Get(activation);
        UseBias = useBias;
        this.kernelInitializer = Initializer.Get(kernelInitializer);
        this.recurrentInitializer = Initializer.Get(recurrentInitializer);
        this.biasInitializer = Initializer.Get(biasInitializer);
        Dropout = dropout;
        RecurrentDropout = recurrentDropout;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        Seed = seed;
        if (seed is int s) DropoutGenerator = new RandomGenerator(s);
    }

    private ActivationFunction activation;
    private Initializer kernelInitializer, recurrentInitializer, biasInitializer;
    private Regularizer? kernelRegularizer, recurrentRegularizer, biasRegularizer;

    /// <summary>Draws the dropout masks when a seed is given; null draws from the global random state.</summary>
    private protected RandomGenerator? DropoutGenerator { get; }

    /// <summary>Keras's default is tanh.</summary>
    public ActivationFunction Activation { get => activation; init => activation = value; }

    public bool UseBias { get; }

    /// <summary>Keras's default is glorot_uniform.</summary>
    public Initializer KernelInitializer { get => kernelInitializer; init => kernelInitializer = value; }

    /// <summary>Keras's default is orthogonal.</summary>
    public Initializer RecurrentInitializer { get => recurrentInitializer; init => recurrentInitializer = value; }

    /// <summary>Keras's default is zeros.</summary>
    public Initializer BiasInitializer { get => biasInitializer; init => biasInitializer = value; }

    public Regularizer? KernelRegularizer { get => kernelRegularizer; init => kernelRegularizer = value; }

    public Regularizer? RecurrentRegularizer { get => recurrentRegularizer; init => recurrentRegularizer = value; }

    public Regularizer? BiasRegularizer { get => biasRegularizer; init => biasRegularizer = value; }

    /// <summary>Keras's <c>kernel_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? KernelConstraint { get; set; }

    /// <summary>Keras's <c>recurrent_constraint</c>; null for none.</summary>
    public Constraints.Constraint? RecurrentConstraint { get; set; }

    /// <summary>Keras's <c>bias_constraint</c>; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; set; }

    /// <summary>Fraction of the inputs dropped in training, one mask per sample for all its steps.</summary>
    public double Dropout { get; }

    /// <summary>Fraction of h_{t-1} dropped before the recurrent product in training, one mask per sample for all its
    /// steps.</summary>
    public double RecurrentDropout { get; }

    /// <summary>Output every step's state, [batch, timesteps, ...], instead of the last one.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Return the final states after the output (Keras's return_state): a call then makes
    /// 1 + <see cref="StateCount"/> tensors, the output, h_T and (LSTM, ConvLSTM) c_T.</summary>
    public bool ReturnState { get; }

    /// <summary>Process the sequence from its last step to its first (the outputs come in that order, as in Keras).</summary>
    public bool GoBackwards { get; }

    public int? Seed { get; }

    /// <summary>Keras's <c>zero_output_for_mask</c> (default false): with a mask, the output at a masked step is zero
    /// rather than the kept state. Bidirectional sets it to return_sequences on its layers, as Keras does.</summary>
    public bool ZeroOutputForMask { get; set; }

    /// <summary>How many states the cell carries from step to step: h, and an LSTM's cell c.</summary>
    public virtual int StateCount => 1;

    public override int TensorsPerCall => ReturnState ? 1 + StateCount : 1;

    private protected override string DescribeCallOutputs => StateCount == 2 ? "the output, then h and c" : "the output, then h";

    /// <summary>Keras's RNN passes the mask on when it returns sequences (keras/src/layers/rnn/rnn.py, compute_mask).</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    /// <summary>Keras 3 keeps the weights in the layer's cell (LSTMCell, ConvLSTMCell...), its attribute "cell":
    /// "layers/lstm/cell/vars".</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups => [("cell", Weights.Count)];

    internal override string? LaterInputsKeyword => "initial_state";

    /// <summary>The sequence's output; a layer with <see cref="ReturnState"/> is called with <see cref="CallAll"/>.</summary>
    public override Tensor Call(Tensor inputs, bool training) => CallOne(inputs, [], training);

    /// <summary>The first input is the sequence, the others its initial states (h, then an LSTM's c).</summary>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => CallOne(inputs[0], inputs.Skip(1).ToArray(), training);

    private Tensor CallOne(Tensor sequence, IReadOnlyList<Tensor> initialState, bool training) => ReturnState
        ? throw new InvalidOperationException(
            $"Layer '{Name}' ({ClassName}) has return_state: a call makes {TensorsPerCall} tensors ({DescribeCallOutputs}); use CallAll.")
        : CallAll(sequence, initialState, training)[0];

    /// <summary>Runs the layer on a batch of sequences from the given initial states (none: zeros; else h, then an LSTM's
    /// c, as Keras's <c>initial_state</c>) and returns the output, then the final states when <see cref="ReturnState"/> is
    /// set.</summary>
    public abstract IReadOnlyList<Tensor> CallAll(Tensor inputs, IReadOnlyList<Tensor>? initialState, bool training);

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> inputShapes) => BuildForCall(inputShapes)[0];

    /// <summary>The sequence's mask is the output's (when returning sequences); the states carry none, as in Keras.</summary>
    private protected override bool ReadsInputMasks => true;

    internal override IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Config? options = null) =>
        FinishCall(inputs, CallAll(inputs[0], inputs.Skip(1).ToArray(), training));

    /// <summary>Writes Keras's RNN options (keras/src/layers/rnn/rnn.py, get_config); unroll is accepted and ignored, so
    /// written false.</summary>
    private protected void WriteRnnOptions(Config config, bool stateful) =>
        WriteLoopOptions(config, ReturnSequences, ReturnState, GoBackwards, stateful, ZeroOutputForMask);

    /// <summary>Keras's RNN loop options, as every RNN form writes them (a layer, an RNN over cells).</summary>
    internal static void WriteLoopOptions(Config config, bool returnSequences, bool returnState, bool goBackwards, bool stateful,
        bool zeroOutputForMask)
    {
        config["return_sequences"] = returnSequences;
        config["return_state"] = returnState;
        config["go_backwards"] = goBackwards;
        config["stateful"] = stateful;
        config["unroll"] = false;
        config["zero_output_for_mask"] = zeroOutputForMask;
    }

    /// <summary>Writes the three initializers under Keras's keys.</summary>
    private protected void WriteInitializers(Config config)
    {
        config["kernel_initializer"] = Registry<Initializer>.Serialize(KernelInitializer);
        config["recurrent_initializer"] = Registry<Initializer>.Serialize(RecurrentInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(BiasInitializer);
    }

    /// <summary>Writes the regularizers, constraints, dropouts and seed, in the order Keras's recurrent configs keep them.</summary>
    private protected void WritePenaltiesAndDropout(Config config)
    {
        config["kernel_regularizer"] = Regularizer.SerializeOrNull(KernelRegularizer);
        config["recurrent_regularizer"] = Regularizer.SerializeOrNull(RecurrentRegularizer);
        config["bias_regularizer"] = Regularizer.SerializeOrNull(BiasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config["kernel_constraint"] = Constraints.Constraint.SerializeOrNull(KernelConstraint);
        config["recurrent_constraint"] = Constraints.Constraint.SerializeOrNull(RecurrentConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(BiasConstraint);
        config["dropout"] = Dropout;
        config["recurrent_dropout"] = RecurrentDropout;
        config["seed"] = Seed is int s ? (long)s : null;
    }

    /// <summary>The objects a config sets on the weights, read from any of Keras's forms (names or class configs).</summary>
    private protected readonly record struct WeightSettings(ActivationFunction Activation,
        Initializer KernelInitializer, Initializer RecurrentInitializer, Initializer BiasInitializer,
        Regularizer? KernelRegularizer, Regularizer? RecurrentRegularizer, Regularizer? BiasRegularizer,
        Constraints.Constraint? KernelConstraint, Constraints.Constraint? RecurrentConstraint, Constraints.Constraint? BiasConstraint);

    /// <summary>activation (tanh), the initializers (glorot_uniform, orthogonal, zeros), regularizers and constraints.</summary>
    private protected static WeightSettings ReadWeightSettings(Config config) => new(
        ActivationFunction.Deserialize(ActivationSpec(config, "activation", "tanh")),
        Initializer.Deserialize(config.GetValueOr("kernel_initializer", "glorot_uniform")),
        Initializer.ReadWeightInitializer(config, "recurrent_initializer", "orthogonal"),
        Initializer.ReadWeightInitializer(config, "bias_initializer", "zeros"),
        Regularizer.Read(config, "kernel_regularizer"), Regularizer.Read(config, "recurrent_regularizer"),
        Regularizer.Read(config, "bias_regularizer"),
        Constraints.Constraint.Read(config, "kernel_constraint"), Constraints.Constraint.Read(config, "recurrent_constraint"),
        Constraints.Constraint.Read(config, "bias_constraint"));

    /// <summary>Sets what a config read besides the constructor's arguments.</summary>
    private protected void Apply(WeightSettings settings)
    {
        activation = settings.Activation;
        kernelInitializer = settings.KernelInitializer;
        recurrentInitializer = settings.RecurrentInitializer;
        biasInitializer = settings.BiasInitializer;
        kernelRegularizer = settings.KernelRegularizer;
        recurrentRegularizer = settings.RecurrentRegularizer;
        biasRegularizer = settings.BiasRegularizer;
        KernelConstraint = settings.KernelConstraint;
        RecurrentConstraint = settings.RecurrentConstraint;
        BiasConstraint = settings.BiasConstraint;
    }

    /// <summary>An activation key of a recurrent config: its default when absent, the identity when null (Keras's
    /// <c>activations.get(None)</c> is linear, unlike these keys' defaults, so null must not read as absent).</summary>
    private protected static object ActivationSpec(Config config, string key, string fallback) =>
        config.GetValueOr(key, fallback, whenNull: "linear");

    /// <summary>Reads how Keras runs the loop: tf.keras 2's time_major (written by every RNN there, false by default) is
    /// refused when true, as time-major inputs put the steps first and Nabla reads them batch-major only; unroll, which
    /// writes the same steps out instead of looping, changes nothing.</summary>
    internal static void ReadLoopOptions(Config config, string className)
    {
        if (config.GetBool("time_major", false))
            throw new ArgumentException($"{className} config 'time_major' is true; only false is supported.");
        config.MarkWithoutEffect("unroll");
    }
}
