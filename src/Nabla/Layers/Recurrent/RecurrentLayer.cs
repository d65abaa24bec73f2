using Nabla.Autograd.Ops.Recurrent;
using Nabla.Initializers;
using Nabla.Regularizers;
using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's SimpleRNN, LSTM and GRU share: inputs [batch, timesteps, features], weights <c>kernel</c>
/// [features, gates·units], <c>recurrent_kernel</c> [units, gates·units] and <c>bias</c>, the whole sequence
/// run by one op (backpropagation through time), the output the last state or every state
/// (<see cref="ReturnSequences"/>), and the Keras RNN config keys. A timestep mask on the inputs
/// (<see cref="Tensor.KerasMask"/>) makes masked steps keep the previous state, as Keras's RNN.
/// </summary>
public abstract class RecurrentLayer : Layer
{
    private protected RecurrentLayer(int units, string? activation, bool useBias, string kernelInitializer,
        string recurrentInitializer, string biasInitializer, double dropout, double recurrentDropout,
        bool returnSequences, bool goBackwards, int? seed, int[]? inputShape, string? name) : base(name, inputShape)
    {
        if (units <= 0)
            throw new ArgumentException($"{ClassName} 'units' must be a positive integer, found {units}.", nameof(units));
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"{ClassName} 'dropout' must be in [0, 1), found {dropout}.", nameof(dropout));
        if (!(recurrentDropout >= 0 && recurrentDropout < 1))
            throw new ArgumentException($"{ClassName} 'recurrent_dropout' must be in [0, 1), found {recurrentDropout}.", nameof(recurrentDropout));
        if (recurrentDropout != 0 && !SupportsRecurrentDropout)
            throw new ArgumentException(
                $"{ClassName} 'recurrent_dropout' {recurrentDropout} is not supported (only 0); use 'dropout' on the inputs.",
                nameof(recurrentDropout));
        Units = units;
        this.activation = ActivationFunction.Get(activation);
        UseBias = useBias;
        this.kernelInitializer = Initializer.Get(kernelInitializer);
        this.recurrentInitializer = Initializer.Get(recurrentInitializer);
        this.biasInitializer = Initializer.Get(biasInitializer);
        Dropout = dropout;
        RecurrentDropout = recurrentDropout;
        ReturnSequences = returnSequences;
        GoBackwards = goBackwards;
        Seed = seed;
        if (seed is int s) dropoutGenerator = new RandomGenerator(s);
    }

    private readonly RandomGenerator? dropoutGenerator;
    private ActivationFunction activation;
    private Initializer kernelInitializer, recurrentInitializer, biasInitializer;
    private Regularizer? kernelRegularizer, recurrentRegularizer, biasRegularizer;

    public int Units { get; }

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

    /// <summary>Fraction of the input features dropped in training, one mask per sample for all its steps.</summary>
    public double Dropout { get; }

    /// <summary>Fraction of h_{t-1}'s units dropped before the recurrent product in training, one mask per sample
    /// for all its steps (LSTM and SimpleRNN).</summary>
    public double RecurrentDropout { get; }

    /// <summary>Whether this cell implements recurrent dropout.</summary>
    private protected virtual bool SupportsRecurrentDropout => true;

    /// <summary>Output every step's state, [batch, timesteps, units], instead of the last one.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Process the sequence from its last step to its first (the outputs come in that order, as in Keras).</summary>
    public bool GoBackwards { get; }

    public int? Seed { get; }

    /// <summary>Keras's <c>zero_output_for_mask</c> (default false): with a mask, the output at a masked step is zero
    /// rather than the kept state. Bidirectional sets it to return_sequences on its layers, as Keras does.</summary>
    public bool ZeroOutputForMask { get; set; }

    /// <summary>Keras's RNN passes the mask on when it returns sequences (keras/src/layers/rnn/rnn.py, compute_mask).</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

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

    public override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.Rank != 3)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) needs inputs of shape (None, timesteps, features) but receives " +
                $"{Describe(inputs.Shape[1..])} (full batch shape {Tensor.ShapeString(inputs.Shape)}).");
        CheckInput(inputs);
        if (inputs.KerasMask is { } mask) CheckTimestepMask(inputs, mask);
        var options = new RecurrentOptions(ReturnSequences, GoBackwards, training ? (float)Dropout : 0f, dropoutGenerator,
            training ? (float)RecurrentDropout : 0f, inputs.KerasMask, ZeroOutputForMask);
        var op = CreateOp(inputs, options);
        op.RecordStateGradientNorms = RecordStateGradientNorms;
        if (training) LastTrainingOp = op;
        return Autograd.Op.Record(op);
    }

    /// <summary>The default observation, plus the op that records ‖∂L/∂h_t‖ per step and the cell's gates.</summary>
    public override LayerActivity Observe(Tensor output) =>
        base.Observe(output) with { StateGradients = output?.Creator as Autograd.IStateGradientOp, Gates = GatesOf(output?.Creator) };

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

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = (long)Units;
        config["activation"] = ActivationFunction.Serialize(Activation);
        WriteCellConfig(config);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = Registry<Initializer>.Serialize(KernelInitializer);
        config["recurrent_initializer"] = Registry<Initializer>.Serialize(RecurrentInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(BiasInitializer);
        config["kernel_regularizer"] = SerializeOrNull(KernelRegularizer);
        config["recurrent_regularizer"] = SerializeOrNull(RecurrentRegularizer);
        config["bias_regularizer"] = SerializeOrNull(BiasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config["kernel_constraint"] = Constraints.Constraint.SerializeOrNull(KernelConstraint);
        config["recurrent_constraint"] = Constraints.Constraint.SerializeOrNull(RecurrentConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(BiasConstraint);
        config["dropout"] = Dropout;
        config["recurrent_dropout"] = RecurrentDropout;
        config["seed"] = Seed is int s ? (long)s : null;
        config["return_sequences"] = ReturnSequences;
        config["return_state"] = false;
        config["go_backwards"] = GoBackwards;
        config["stateful"] = false;
        config["unroll"] = false;
        config["zero_output_for_mask"] = ZeroOutputForMask;
        return config;
    }

    private static Config? SerializeOrNull(Regularizer? regularizer) =>
        regularizer is null ? null : Registry<Regularizer>.Serialize(regularizer);

    /// <summary>Writes the keys only this cell has (recurrent_activation, unit_forget_bias, reset_after).</summary>
    private protected virtual void WriteCellConfig(Config config) { }


    /// <summary>The shared constructor arguments read from a Keras 3, Keras 2 or TF.js config, after refusing
    /// every key whose value would change the math in a way this layer does not implement.</summary>
    private protected static RecurrentArgs ReadArgs(Config config, string className)
    {
        foreach (var key in new[] { "return_state", "stateful", "time_major" })
            if (config.GetBool(key, false))
                throw new ArgumentException($"{className} config '{key}' is true; only false is supported.");
        var (name, inputShape) = BaseArgs(config);
        return new RecurrentArgs(
            config.GetInt("units"),
            ActivationFunction.Deserialize(config.GetValueOr("activation", "tanh")),
            config.GetBool("use_bias", true),
            Initializer.Deserialize(config.GetValueOr("kernel_initializer", "glorot_uniform")),
            Initializer.Deserialize(config.GetValueOr("recurrent_initializer", "orthogonal")),
            Initializer.Deserialize(config.GetValueOr("bias_initializer", "zeros")),
            config.GetDouble("dropout", 0), config.GetDouble("recurrent_dropout", 0),
            config.GetBool("return_sequences", false), config.GetBool("go_backwards", false),
            config.TryGet("seed", out _) ? config.GetInt("seed") : null,
            inputShape, name, config.GetBool("trainable", true),
            ReadRegularizer(config, "kernel_regularizer"), ReadRegularizer(config, "recurrent_regularizer"),
            ReadRegularizer(config, "bias_regularizer"), config.GetBool("zero_output_for_mask", false),
            Constraints.Constraint.Read(config, "kernel_constraint"), Constraints.Constraint.Read(config, "recurrent_constraint"),
            Constraints.Constraint.Read(config, "bias_constraint"));
    }

    /// <summary>Sets what a config read besides the constructor's arguments (objects rather than names, trainable).</summary>
    private protected void Apply(RecurrentArgs args)
    {
        activation = args.Activation;
        kernelInitializer = args.KernelInitializer;
        recurrentInitializer = args.RecurrentInitializer;
        biasInitializer = args.BiasInitializer;
        kernelRegularizer = args.KernelRegularizer;
        recurrentRegularizer = args.RecurrentRegularizer;
        biasRegularizer = args.BiasRegularizer;
        Trainable = args.Trainable;
        ZeroOutputForMask = args.ZeroOutputForMask;
        KernelConstraint = args.KernelConstraint;
        RecurrentConstraint = args.RecurrentConstraint;
        BiasConstraint = args.BiasConstraint;
    }

    private protected readonly record struct RecurrentArgs(int Units, ActivationFunction Activation, bool UseBias,
        Initializer KernelInitializer, Initializer RecurrentInitializer, Initializer BiasInitializer, double Dropout,
        double RecurrentDropout, bool ReturnSequences, bool GoBackwards, int? Seed, int[]? InputShape, string? Name,
        bool Trainable, Regularizer? KernelRegularizer, Regularizer? RecurrentRegularizer, Regularizer? BiasRegularizer,
        bool ZeroOutputForMask, Constraints.Constraint? KernelConstraint, Constraints.Constraint? RecurrentConstraint,
        Constraints.Constraint? BiasConstraint);

    private static Regularizer? ReadRegularizer(Config config, string key) =>
        config.TryGet(key, out var spec) ? Regularizer.Registry.Deserialize(spec!) : null;
}
