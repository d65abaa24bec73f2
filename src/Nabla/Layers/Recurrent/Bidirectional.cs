using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Bidirectional</c>: a copy of the recurrent layer reads the sequence forwards ("forward_" + name) and
/// another backwards ("backward_" + name, go_backwards flipped), and their outputs are merged: "concat" (Keras's
/// default) along the last axis, "sum", "mul" or "ave". With return_sequences the backward outputs are put back in
/// input order first. Weights: the forward layer's, then the backward layer's. A timestep mask goes to both layers;
/// as in Keras, both then output zeros at masked steps when they return sequences (zero_output_for_mask), and the
/// output carries the mask only when returning sequences. With return_state on the wrapped layer a call makes the output,
/// then the forward layer's final states, then the backward layer's (h, and an LSTM's c, each), as Keras's; initial
/// states likewise come forward ones first.
/// </summary>
public sealed class Bidirectional : Layer
{
    private static readonly string[] MergeModes = ["concat", "sum", "mul", "ave"];

    /// <param name="mergeMode">"concat" (Keras's default), "sum", "mul", "ave", or null for Keras's None: the two directions'
    /// outputs are returned apart, forward first (<see cref="TensorsPerCall"/> 2).</param>
    public Bidirectional(RecurrentLayer layer, string? mergeMode = "concat", RecurrentLayer? backwardLayer = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape ?? layer?.DeclaredInputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (mergeMode is not null && !MergeModes.Contains(mergeMode))
            throw new ArgumentException(
                $"Bidirectional 'merge_mode' must be one of {string.Join(", ", MergeModes)} or null; found '{mergeMode}'.", nameof(mergeMode));
        MergeMode = mergeMode;
        ForwardLayer = Copy(layer, "forward_", goBackwards: null);
        BackwardLayer = backwardLayer ?? Copy(layer, "backward_", goBackwards: !layer.GoBackwards);
        if (ForwardLayer.ReturnSequences != BackwardLayer.ReturnSequences)
            throw new ArgumentException(
                $"Bidirectional '{Name}': the forward and backward layers must agree on return_sequences.", nameof(backwardLayer));
        if (ForwardLayer.ReturnState != BackwardLayer.ReturnState || ForwardLayer.StateCount != BackwardLayer.StateCount)
            throw new ArgumentException(
                $"Bidirectional '{Name}': the forward and backward layers must agree on return_state and carry as many states.",
                nameof(backwardLayer));
        // keras/src/layers/rnn/bidirectional.py forces zero_output_for_mask to return_sequences on both layers.
        ForwardLayer.ZeroOutputForMask = ForwardLayer.ReturnSequences;
        BackwardLayer.ZeroOutputForMask = BackwardLayer.ReturnSequences;
    }

    public override string ClassName => "Bidirectional";

    /// <summary>The sequence's length may be unknown, as for the wrapped layers.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis == 0 && rank == 2;

    /// <summary>How the two directions' outputs combine; null: they are returned apart (Keras's merge_mode=None).</summary>
    public string? MergeMode { get; }

    /// <summary>The outputs a call returns before the states: one merged output, or both directions' (merge_mode None).</summary>
    private int OutputsBeforeStates => MergeMode is null ? 2 : 1;

    public RecurrentLayer ForwardLayer { get; }

    public RecurrentLayer BackwardLayer { get; }

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ForwardLayer.ReturnSequences ? mask : null;

    public override void ResetStates()
    {
        ForwardLayer.ResetStates();
        BackwardLayer.ResetStates();
    }

    public override bool CarriesStates => ForwardLayer.CarriesStates;

    internal override Action? SnapshotStates() => (ForwardLayer.SnapshotStates(), BackwardLayer.SnapshotStates()) switch
    {
        (Action forward, Action backward) => () => { forward(); backward(); },
        var (forward, backward) => forward ?? backward,
    };

    /// <summary>A fresh layer from <paramref name="layer"/>'s config, renamed, optionally with go_backwards set.</summary>
    private static RecurrentLayer Copy(RecurrentLayer layer, string prefix, bool? goBackwards)
    {
        var spec = Registry<Layer>.Serialize(layer);
        var config = (Config)spec["config"]!;
        string name = layer.Name.StartsWith(prefix, StringComparison.Ordinal) ? layer.Name[prefix.Length..] : layer.Name;
        config["name"] = prefix + name;
        config.Remove("batch_shape");
        if (goBackwards is bool backwards) config["go_backwards"] = backwards;
        return (RecurrentLayer)Layer.Deserialize(spec);
    }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        var shape = ForwardLayer.ComputeOutputShape(inputShape);
        return MergeMode == "concat" ? [.. shape[..^1], 2 * shape[^1]] : shape;
    }

    /// <summary>Keras 3 keeps the weights in the two layers, its attributes "forward_layer" and "backward_layer".</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups =>
        [.. KerasVarGroupsOf("forward_layer", ForwardLayer), .. KerasVarGroupsOf("backward_layer", BackwardLayer)];

    protected override void BuildWeights(int[] inputShape)
    {
        ForwardLayer.Build(inputShape);
        BackwardLayer.Build(inputShape);
        AddSublayerWeights(ForwardLayer);
        AddSublayerWeights(BackwardLayer);
    }

    /// <summary>Whether a call returns the final states of both directions after the output.</summary>
    public bool ReturnState => ForwardLayer.ReturnState;

    public override int TensorsPerCall => OutputsBeforeStates + (ReturnState ? 2 * ForwardLayer.StateCount : 0);

    private protected override string DescribeCallOutputs =>
        (MergeMode is null ? "the forward output, the backward output" : "the output") + (!ReturnState ? ""
            : ForwardLayer.StateCount == 2 ? ", then the forward h and c, then the backward h and c" : ", then the forward h, then the backward h");

    internal override string? LaterInputsKeyword => "initial_state";

    /// <summary>Sequences of another length run too, as in the wrapped layers.</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        built.Length == 2 && inputShape.Length == 2 && inputShape[1] == built[1];

    /// <summary>A call reads the sequence and, optionally, the initial states of both directions (forward ones first).</summary>
    protected internal override IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Config? options = null)
    {
        int states = ForwardLayer.StateCount;
        if (inputShapes.Count != 1 && inputShapes.Count != 1 + 2 * states)
            throw new ArgumentException(
                $"Layer '{Name}' (Bidirectional) reads a sequence and, optionally, {2 * states} initial states ({states} per direction); " +
                $"{inputShapes.Count} inputs were given.");
        var forward = ForwardLayer.BuildForCall([inputShapes[0], .. inputShapes.Skip(1).Take(states)]);
        BackwardLayer.BuildForCall([inputShapes[0], .. inputShapes.Skip(1 + states)]);
        Build(inputShapes[0]);
        var output = ComputeOutputShape(inputShapes[0]);
        return [.. Enumerable.Repeat(output, OutputsBeforeStates), .. forward.Skip(1), .. forward.Skip(1)];
    }

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> inputShapes) => BuildForCall(inputShapes)[0];

    public override Tensor Call(Tensor inputs, bool training) => Call([inputs], training);

    /// <summary>The first input is the sequence, the others the initial states (forward ones, then backward ones).</summary>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => TensorsPerCall != 1
        ? throw new InvalidOperationException(
            $"Layer '{Name}' (Bidirectional) makes {TensorsPerCall} tensors per call ({DescribeCallOutputs}); use CallAll.")
        : CallAll(inputs[0], inputs.Skip(1).ToArray(), training)[0];

    /// <summary>The sequence's mask reaches both directions; the output carries it when returning sequences, the states none.</summary>
    private protected override bool ReadsInputMasks => true;

    internal override IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Config? options = null)
    {
        var outputs = FinishCall(inputs, CallAll(inputs[0], inputs.Skip(1).ToArray(), training));
        // Keras gives both unmerged outputs the sequence's mask.
        if (MergeMode is null && outputs[1].KerasMask is null) outputs[1].KerasMask = outputs[0].KerasMask;
        return outputs;
    }

    /// <summary>Runs both directions on a batch of sequences from the given initial states (none: zeros; else the forward
    /// layer's, then the backward layer's) and returns the merged output, then, with return_state, the forward layer's
    /// final states and the backward layer's.</summary>
    public IReadOnlyList<Tensor> CallAll(Tensor x, IReadOnlyList<Tensor>? initialState, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        initialState ??= [];
        if (x.Rank != 3)
            throw new ArgumentException(
                $"Layer '{Name}' (Bidirectional) needs inputs of shape (None, timesteps, features) but receives " +
                $"{Describe(x.Shape[1..])}.");
        CheckInput(x);
        int states = ForwardLayer.StateCount;
        if (initialState.Count != 0 && initialState.Count != 2 * states)
            throw new ArgumentException(
                $"Layer '{Name}' (Bidirectional): initial_state needs {2 * states} tensors ({states} per direction); found {initialState.Count}.");
        var forward = ForwardLayer.CallAllWithMask([x, .. initialState.Take(states)], training);
        lastForwardOutput = forward[0];
        var backward = BackwardLayer.CallAllWithMask([x, .. initialState.Skip(states)], training);
        var backwardOutput = BackwardLayer.ReturnSequences ? Op.Record(new ReverseTimeOp(backward[0])) : backward[0];
        Tensor[] outputs = MergeMode switch
        {
            null => [forward[0], backwardOutput],
            "concat" => [Tensor.Concat([forward[0], backwardOutput], forward[0].Rank - 1)],
            "sum" => [forward[0] + backwardOutput],
            "mul" => [forward[0] * backwardOutput],
            _ => [(forward[0] + backwardOutput) * 0.5f],
        };
        return [.. outputs, .. forward.Skip(1), .. backward.Skip(1)];
    }

    private Tensor? lastForwardOutput;

    /// <summary>The merged output, with the forward layer's state gradients and gates (observed right after the call that made it).</summary>
    public override LayerActivity Observe(Tensor output)
    {
        var op = RecurrentLayer.OpBehind(lastForwardOutput);
        return new(this, output, null, null) { StateGradients = op as IStateGradientOp, Gates = ForwardLayer.GatesOf(op) };
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["layer"] = Registry<Layer>.Serialize(ForwardLayer);
        config["merge_mode"] = MergeMode;
        config["backward_layer"] = Registry<Layer>.Serialize(BackwardLayer);
        return config;
    }

    public static Bidirectional FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var layer = config.GetConfig("layer") ?? throw new ArgumentException("Bidirectional config has no 'layer'.");
        if (Layer.Deserialize(layer) is not RecurrentLayer forward)
            throw new ArgumentException($"Bidirectional 'layer' must be SimpleRNN, LSTM or GRU; found {layer.GetString("class_name", "?")}.");
        RecurrentLayer? backward = null;
        if (config.GetConfig("backward_layer") is Config spec)
            backward = Layer.Deserialize(spec) as RecurrentLayer
                ?? throw new ArgumentException($"Bidirectional 'backward_layer' must be SimpleRNN, LSTM or GRU; found {spec.GetString("class_name", "?")}.");
        // Absent: Keras's default "concat"; null: Keras's None, the outputs apart.
        var mergeMode = !config.ContainsKey("merge_mode") ? "concat"
            : config["merge_mode"] is null ? null
            : config["merge_mode"] as string
              ?? throw new ArgumentException($"Bidirectional 'merge_mode' {Config.Describe(config["merge_mode"])} is not supported (only concat, sum, mul, ave or null).");
        return new Bidirectional(forward, mergeMode, backward, inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
