using Nabla.Autograd.Ops.Recurrent;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's SimpleRNN, LSTM and GRU share: inputs [batch, timesteps, features], weights <c>kernel</c>
/// [features, gates·units], <c>recurrent_kernel</c> [units, gates·units] and <c>bias</c>, the whole sequence
/// run by one op (backpropagation through time), the output the last state or every state
/// (<see cref="RnnLayer.ReturnSequences"/>), and the Keras RNN config keys. A timestep mask on the inputs
/// (<see cref="Tensor.KerasMask"/>) makes masked steps keep the previous state, as Keras's RNN.
/// As in Keras, a call may start from given states (<c>initial_state</c>: the inputs after the sequence, h and then an
/// LSTM's c, each [batch, units]) and, with <see cref="RnnLayer.ReturnState"/>, return the final states after the output, which is
/// how an encoder hands its summary to a decoder (sequence-to-sequence models).
/// </summary>
public abstract partial class RecurrentLayer : RnnLayer
{
    private protected RecurrentLayer(int units, string? activation, bool useBias, string kernelInitializer,
        string recurrentInitializer, string biasInitializer, double dropout, double recurrentDropout,
        bool returnSequences, bool goBackwards, int? seed, int[]? inputShape, string? name, bool returnState = false,
        bool stateful = false)
        : base(activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout, recurrentDropout,
            returnSequences, returnState, goBackwards, seed, inputShape, name)
    {
        if (units <= 0)
            throw new ArgumentException($"{ClassName} 'units' must be a positive integer, found {units}.", nameof(units));
        Units = units;
        Stateful = stateful;
    }

    public int Units { get; }

    /// <summary>The sequence's length may be unknown; its features size the kernel.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis == 0 && rank == 2;

    /// <summary>Columns of the kernel per unit: 4 (LSTM), 3 (GRU), 1 (SimpleRNN).</summary>
    private protected abstract int GatesPerUnit { get; }

    public Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor RecurrentKernel => recurrentKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    private Tensor? kernel, recurrentKernel, bias;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 2)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) needs inputs of shape (None, timesteps, features) but receives {Describe(inputShape)}.");
        return ReturnSequences ? [inputShape[0], Units] : [Units];
    }

    /// <summary>The weights depend on the features only, so a built layer runs sequences of any length, as Keras's RNN
    /// with timesteps None (a decoder trained on whole sequences and then run one step at a time).</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        built.Length == 2 && inputShape.Length == 2 && inputShape[1] == built[1];

    protected override void BuildWeights(int[] inputShape)
    {
        int width = GatesPerUnit * Units;
        kernel = AddKernel("kernel", [inputShape[1], width], KernelInitializer, KernelRegularizer);
        recurrentKernel = AddKernel("recurrent_kernel", [Units, width], RecurrentInitializer, RecurrentRegularizer);
        Constrain(kernel, KernelConstraint);
        Constrain(recurrentKernel, RecurrentConstraint);
        if (UseBias)
        {
            bias = AddWeight("bias", BiasShape, BiasInitializer, regularizer: BiasRegularizer);
            Constrain(bias, BiasConstraint);
            InitializeBias(bias);
        }
    }

    /// <summary>The bias's shape: [gates·units], or GRU's [2, 3·units] with reset_after.</summary>
    private protected virtual int[] BiasShape => [GatesPerUnit * Units];

    /// <summary>Adjusts the freshly initialized bias (LSTM's unit_forget_bias).</summary>
    private protected virtual void InitializeBias(Tensor bias) { }

    /// <summary>The op that runs the whole sequence.</summary>
    private protected abstract RecurrentOp CreateOp(Tensor inputs, RecurrentOptions options);

    /// <summary>
    /// Runs the layer on a batch of sequences from the given initial states (none: zeros; else h, then an LSTM's c, each
    /// [batch, units], as Keras's <c>initial_state</c>) and returns the output, then the final states when
    /// <see cref="RnnLayer.ReturnState"/> is set.
    /// </summary>
    public override IReadOnlyList<Tensor> CallAll(Tensor inputs, IReadOnlyList<Tensor>? initialState, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        initialState ??= [];
        if (inputs.Rank != 3)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) needs inputs of shape (None, timesteps, features) but receives " +
                $"{Describe(inputs.Shape[1..])} (full batch shape {Tensor.ShapeString(inputs.Shape)}).");
        Build(inputs.Shape[1..]);
        if (inputs.KerasMask is { } mask) CheckTimestepMask(inputs, mask);
        if (Stateful) initialState = CarriedStatesFor(inputs.Shape[0], initialState);
        CheckInitialState(initialState, inputs.Shape[0]);
        var options = new RecurrentOptions(ReturnSequences, GoBackwards, training ? (float)Dropout : 0f, DropoutGenerator,
            training ? (float)RecurrentDropout : 0f, inputs.KerasMask, ZeroOutputForMask,
            initialState.Count > 0 ? initialState[0] : null, initialState.Count > 1 ? initialState[1] : null, ReturnState, Stateful);
        var op = CreateOp(inputs, options);
        op.RecordStateGradientNorms = RecordStateGradientNorms;
        if (training) LastTrainingOp = op;
        var output = Autograd.Op.Record(op);
        return ReturnState ? Unpack(output) : [output];
    }

    /// <summary>The default observation, plus the op that records ‖∂L/∂h_t‖ per step and the cell's gates.</summary>
    public override LayerActivity Observe(Tensor output)
    {
        var op = OpBehind(output);
        return base.Observe(output) with { StateGradients = op as Autograd.IStateGradientOp, Gates = GatesOf(op) };
    }

    /// <summary>Calls the layer on a symbolic sequence from the given initial states (h, then an LSTM's c), as Keras's
    /// <c>layer(x, initial_state=[h, c])</c>.</summary>
    public SymbolicTensor Apply(SymbolicTensor sequence, IReadOnlyList<SymbolicTensor> initialState) =>
        Apply([sequence, .. initialState]);

    /// <summary>As <see cref="Apply(SymbolicTensor, IReadOnlyList{SymbolicTensor})"/>, returning every tensor of the call
    /// (with <see cref="RnnLayer.ReturnState"/>: the output, then the final states).</summary>
    public IReadOnlyList<SymbolicTensor> ApplyAll(SymbolicTensor sequence, IReadOnlyList<SymbolicTensor> initialState) =>
        ApplyAll([sequence, .. initialState]);

    /// <summary>The recurrent op that made <paramref name="output"/>: its creator, or with return_state the op whose packed
    /// output the slice (and reshape) cut it from.</summary>
    internal static Autograd.Op? OpBehind(Tensor? output)
    {
        for (var creator = output?.Creator; creator is not null; creator = creator.Inputs[0].Creator)
            if (creator is RecurrentOp or not (Autograd.Ops.SliceOp or Autograd.Ops.ReshapeOp)) return creator;
        return null;
    }

    /// <summary>The gates of the cell that decide what its state keeps and shows, by name and block of the op's gate rows
    /// (none for SimpleRNN, which has no gate).</summary>
    private protected virtual IReadOnlyList<(string Name, int Column)> WatchedGates => [];

    /// <summary>The watched gates of the call whose op is <paramref name="creator"/>; null when it keeps no gate values.</summary>
    internal IReadOnlyList<ObservedGate>? GatesOf(Autograd.Op? creator) =>
        creator is Autograd.IGatedOp op ? WatchedGates.Select(g => new ObservedGate(g.Name, op, g.Column)).ToList() : null;

    /// <summary>The op of the latest training call (a captured training step replays it).</summary>
    private protected RecurrentOp? LastTrainingOp { get; private set; }

    /// <summary>
    /// When true, training steps record ‖∂L/∂h_t‖ (the norm over the batch of the loss's gradient with respect to the
    /// hidden state) at every step: the evidence for gradients vanishing or exploding through time. Set it before
    /// the step is captured, or it applies to the next capture.
    /// </summary>
    public bool RecordStateGradientNorms
    {
        get => recordStateGradientNorms;
        set
        {
            recordStateGradientNorms = value;
            if (LastTrainingOp is { } op) op.RecordStateGradientNorms = value;
        }
    }

    private bool recordStateGradientNorms;

    /// <summary>‖∂L/∂h_t‖ for t = 1…timesteps in processing order, from the latest training step's backward pass;
    /// null unless <see cref="RecordStateGradientNorms"/> is on and a step has run.</summary>
    public IReadOnlyList<float>? StateGradientNorms => LastTrainingOp?.StateGradientNorms;

    /// <summary>Gate <paramref name="index"/>'s columns from gate values laid out as rows of <paramref name="gates"/>·units.</summary>
    private protected float[] GateSlice(ReadOnlySpan<float> values, int gates, int index)
    {
        int rows = values.Length / (gates * Units);
        var result = new float[rows * Units];
        for (int r = 0; r < rows; r++)
            values.Slice(r * gates * Units + index * Units, Units).CopyTo(result.AsSpan(r * Units, Units));
        return result;
    }

    /// <summary>"LSTM", "GRU" or "SimpleRNN".</summary>
    private protected abstract string LayerClassName { get; }

    /// <summary>Keras's class of this layer's cell: "LSTMCell", "GRUCell" or "SimpleRNNCell".</summary>
    internal string CellClassName => LayerClassName + "Cell";

    /// <summary>The layer was read from Keras's generic <c>RNN</c> over its cell (<c>RNN(LSTMCell(...))</c>): the same math and
    /// weights, written back in that form (class "RNN" with the cell's config), so that Keras's saving finds the weights
    /// at "layers/rnn/cell/vars".</summary>
    internal bool IsRnnOverCell { get; set; }

    public sealed override string ClassName => IsRnnOverCell ? "RNN" : LayerClassName;

    /// <summary>The keys Keras's RNN layer keeps in its own config; the others are its cell's.</summary>
    private static readonly HashSet<string> RnnKeys =
    [
        "name", "trainable", "dtype", "batch_shape", "activity_regularizer", "return_sequences", "return_state", "go_backwards",
        "stateful", "unroll", "zero_output_for_mask",
    ];

    public override Config GetConfig()
    {
        if (!IsRnnOverCell) return LayerConfig();
        var (rnn, cell) = SplitRnnConfig();
        rnn["cell"] = cell;
        return rnn;
    }

    /// <summary>This layer's config as Keras's RNN over its cell holds it: the RNN's own keys, and the cell's
    /// <c>{"class_name": "LSTMCell", "config": ...}</c> with the others.</summary>
    internal (Config Rnn, Config Cell) SplitRnnConfig()
    {
        var rnn = new Config();
        var cell = new Config { ["name"] = LayerNames.SnakeCase(CellClassName), ["trainable"] = Trainable, ["dtype"] = "float32" };
        foreach (var (key, value) in LayerConfig()) (RnnKeys.Contains(key) ? rnn : cell)[key] = value;
        return (rnn, new Config
        {
            ["module"] = "keras.layers", ["class_name"] = CellClassName, ["config"] = cell, ["registered_name"] = null,
        });
    }

    private Config LayerConfig()
    {
        var config = base.GetConfig();
        config["units"] = (long)Units;
        config["activation"] = ActivationFunction.Serialize(Activation);
        WriteCellConfig(config);
        config["use_bias"] = UseBias;
        WriteInitializers(config);
        WritePenaltiesAndDropout(config);
        WriteRnnOptions(config, Stateful);
        return config;
    }

    /// <summary>Writes the keys only this cell has (recurrent_activation, unit_forget_bias, reset_after).</summary>
    private protected virtual void WriteCellConfig(Config config) { }


    /// <summary>The shared constructor arguments read from a Keras 3, Keras 2 or TF.js config, after refusing
    /// every key whose value would change the math in a way this layer does not implement.</summary>
    private protected static RecurrentArgs ReadArgs(Config config, string className)
    {
        ReadLoopOptions(config, className);
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, className, "dropout", "recurrent_dropout");
        // Without effect: tf.keras 2's implementation 1 or 2 splits the same products differently, and Keras 3's use_cudnn
        // picks the cuDNN kernel for the same recurrence.
        config.MarkWithoutEffect("implementation", "use_cudnn");
        return new RecurrentArgs(
            config.GetInt("units"), ReadWeightSettings(config), config.GetTruthy("use_bias", true),
            config.GetDouble("dropout", 0), config.GetDouble("recurrent_dropout", 0),
            config.GetBool("return_sequences", false), config.GetBool("go_backwards", false),
            config.TryGet("seed", out _) ? config.GetInt("seed") : null,
            inputShape, name, config.GetBool("trainable", true), config.GetBool("zero_output_for_mask", false),
            config.GetBool("return_state", false),
            config.GetBool("stateful", false), ReadBatchSize(config));
    }

    /// <summary>Sets what a config read besides the constructor's arguments (objects rather than names, trainable).</summary>
    private protected void Apply(RecurrentArgs args)
    {
        Apply(args.Weights);
        Trainable = args.Trainable;
        ZeroOutputForMask = args.ZeroOutputForMask;
        if (args.Stateful) boundBatchSize = args.BatchSize;
    }

    private protected readonly record struct RecurrentArgs(int Units, WeightSettings Weights, bool UseBias, double Dropout,
        double RecurrentDropout, bool ReturnSequences, bool GoBackwards, int? Seed, int[]? InputShape, string? Name,
        bool Trainable, bool ZeroOutputForMask, bool ReturnState, bool Stateful, int? BatchSize);
}
