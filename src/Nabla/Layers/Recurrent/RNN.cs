using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's generic <c>RNN(cell)</c> over a user's <see cref="RnnCell"/>: the cell's step applied to every timestep of
/// [batch, timesteps, features], its states carried from step to step, each step recorded so that gradients flow back
/// through time. As Keras's RNN (keras/src/layers/rnn/rnn.py): the output is the last step's or, with
/// <see cref="ReturnSequences"/>, every step's; <see cref="ReturnState"/> returns the final states after it; a call may
/// start from given states (<c>initial_state</c>); <see cref="GoBackwards"/> runs from the last step, and its outputs
/// come in that order; a timestep mask makes masked steps keep the previous states and repeat the previous output (zero
/// with <see cref="ZeroOutputForMask"/>). Keras's own cells (LSTMCell, GRUCell, SimpleRNNCell) run as the matching fused
/// layers instead (<see cref="RnnCellConfig"/>).
/// </summary>
public sealed class RNN : Layer
{
    public RNN(RnnCell cell, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
        bool zeroOutputForMask = false, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.StateSize is not { Count: > 0 } sizes || sizes.Any(size => size <= 0))
            throw new ArgumentException(
                $"RNN '{Name}': cell '{cell.Name}' ({cell.ClassName}) must carry at least one state of positive size; its " +
                $"StateSize is [{string.Join(", ", cell.StateSize ?? [])}].", nameof(cell));
        Cell = cell;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        ZeroOutputForMask = zeroOutputForMask;
    }

    public override string ClassName => "RNN";

    public RnnCell Cell { get; }

    /// <summary>Output every step's output, [batch, timesteps, output size], instead of the last one.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Return the final states after the output: a call makes 1 + the cell's state count tensors.</summary>
    public bool ReturnState { get; }

    /// <summary>Process the sequence from its last step to its first.</summary>
    public bool GoBackwards { get; }

    /// <summary>Keras's <c>zero_output_for_mask</c>: a masked step's output is zero rather than the previous output.</summary>
    public bool ZeroOutputForMask { get; }

    public override int TensorsPerCall => ReturnState ? 1 + Cell.StateSize.Count : 1;

    private protected override string DescribeCallOutputs => "the output, then the cell's states";

    /// <summary>The sequence's length may be unknown; the cell sees one step's features.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis == 0 && rank == 2;

    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        built.Length == 2 && inputShape.Length == 2 && inputShape[1] == built[1];

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 2)
            throw new ArgumentException(
                $"Layer '{Name}' (RNN) needs inputs of shape (None, timesteps, features) but receives {Describe(inputShape)}.");
        return ReturnSequences ? [inputShape[0], Cell.OutputSize] : [Cell.OutputSize];
    }

    protected override void BuildWeights(int[] inputShape)
    {
        Cell.Build([inputShape[1]]);
        AddSublayerWeights(Cell);
    }

    /// <summary>Keras 3 keeps the weights in the cell, the RNN's attribute "cell".</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups => [.. KerasVarGroupsOf("cell", Cell)];

    /// <summary>Keras's RNN passes the mask on when it returns sequences.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    private protected override bool ReadsInputMasks => true;

    internal override string? LaterInputsKeyword => "initial_state";

    public override Tensor Call(Tensor inputs, bool training) => CallOne(inputs, [], training);

    /// <summary>The first input is the sequence, the others its initial states.</summary>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => CallOne(inputs[0], [.. inputs.Skip(1)], training);

    private Tensor CallOne(Tensor sequence, IReadOnlyList<Tensor> initialState, bool training) => ReturnState
        ? throw new InvalidOperationException(
            $"Layer '{Name}' (RNN) has return_state: a call makes {TensorsPerCall} tensors ({DescribeCallOutputs}); use CallAll.")
        : CallAll(sequence, initialState, training)[0];

    internal override IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Config? options = null) =>
        FinishCall(inputs, CallAll(inputs[0], [.. inputs.Skip(1)], training));

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> inputShapes) => BuildForCall(inputShapes)[0];

    protected internal override IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Config? options = null)
    {
        var sizes = Cell.StateSize;
        if (inputShapes.Count != 1 && inputShapes.Count != 1 + sizes.Count)
            throw new ArgumentException(
                $"Layer '{Name}' (RNN) reads a sequence and, optionally, its cell's {sizes.Count} initial states; {inputShapes.Count} inputs were given.");
        for (int k = 1; k < inputShapes.Count; k++)
            if (inputShapes[k].Length != 1 || inputShapes[k][0] != sizes[k - 1])
                throw new ArgumentException(
                    $"Layer '{Name}' (RNN): initial_state[{k - 1}] must have shape (None, {sizes[k - 1]}); found {Describe(inputShapes[k])}.");
        Build(inputShapes[0]);
        return [ComputeOutputShape(inputShapes[0]), .. ReturnState ? sizes.Select(size => new[] { size }) : []];
    }

    /// <summary>Runs the cell over a batch of sequences from the given initial states (none: the cell's
    /// <see cref="RnnCell.InitialStates"/>) and returns the output, then the final states when <see cref="ReturnState"/>
    /// is set.</summary>
    public IReadOnlyList<Tensor> CallAll(Tensor inputs, IReadOnlyList<Tensor>? initialState, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != 3)
            throw new ArgumentException(
                $"Layer '{Name}' (RNN) needs inputs of shape (None, timesteps, features) but receives " +
                $"{Describe(inputs.Shape[1..])} (full batch shape {Tensor.ShapeString(inputs.Shape)}).");
        Build(inputs.Shape[1..]);
        int batch = inputs.Shape[0], steps = inputs.Shape[1], features = inputs.Shape[2];
        var mask = inputs.KerasMask;
        if (mask is not null) CheckTimestepMask(inputs, mask);
        var states = initialState is { Count: > 0 } given
            ? CheckedStates(given, batch, "initial_state")
            : CheckedStates(Cell.InitialStates(batch), batch, "InitialStates");
        var outputs = new Tensor[steps];
        var zeros = mask is null ? null : Tensor.Zeros(batch, Cell.OutputSize);
        Tensor? previous = null;
        for (int i = 0; i < steps; i++)
        {
            int t = GoBackwards ? steps - 1 - i : i;
            var x = Tensor.Reshape(Tensor.Slice(inputs, [0, t, 0], [batch, 1, features]), [batch, features]);
            var (output, next) = Cell.Step(x, states, training);
            next = CheckedStates(next, batch, $"Step's states at step {t}");
            if (output.Rank != 2 || output.Shape[0] != batch || output.Shape[1] != Cell.OutputSize)
                throw new InvalidOperationException(
                    $"Layer '{Name}' (RNN): cell '{Cell.Name}' returned an output of shape {Tensor.ShapeString(output.Shape)} " +
                    $"at step {t}; its OutputSize makes [{batch}, {Cell.OutputSize}].");
            if (mask is not null)
            {
                var kept = Tensor.Slice(mask, [0, t], [batch, 1]);
                next = [.. next.Select((state, k) => Tensor.Where(kept, state, states[k]))];
                output = Tensor.Where(kept, output, ZeroOutputForMask ? zeros! : previous ?? zeros!);
            }
            states = next;
            outputs[i] = output;
            previous = output;
        }
        var result = ReturnSequences
            ? Tensor.Concat([.. outputs.Select(o => Tensor.Reshape(o, [batch, 1, Cell.OutputSize]))], axis: 1)
            : outputs[^1];
        return ReturnState ? [result, .. states] : [result];
    }

    private IReadOnlyList<Tensor> CheckedStates(IReadOnlyList<Tensor> states, int batch, string what)
    {
        var sizes = Cell.StateSize;
        if (states.Count != sizes.Count)
            throw new ArgumentException(
                $"Layer '{Name}' (RNN): cell '{Cell.Name}' carries {sizes.Count} states; its {what} has {states.Count}.");
        for (int k = 0; k < sizes.Count; k++)
            if (states[k] is not { Rank: 2 } state || state.Shape[0] != batch || state.Shape[1] != sizes[k])
                throw new ArgumentException(
                    $"Layer '{Name}' (RNN): {what}[{k}] must be [batch, size] = [{batch}, {sizes[k]}]; found " +
                    $"{(states[k] is null ? "null" : Tensor.ShapeString(states[k].Shape))}.");
        return states;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        RnnLayer.WriteLoopOptions(config, ReturnSequences, ReturnState, GoBackwards, stateful: false, ZeroOutputForMask);
        config["cell"] = Registry<Layer>.Serialize(Cell);
        return config;
    }

    /// <summary>An RNN config whose cell deserializes to a <see cref="RnnCell"/> (a registered user cell).</summary>
    internal static RNN FromConfig(Config config, RnnCell cell)
    {
        var (name, inputShape) = BaseArgs(config);
        if (config.GetBool("stateful", false))
            throw new ArgumentException($"RNN '{name}' config 'stateful' is true; an RNN over a user's cell runs stateless only.");
        return new RNN(cell, config.GetBool("return_sequences", false), config.GetBool("return_state", false),
            config.GetBool("go_backwards", false), config.GetBool("zero_output_for_mask", false), inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
