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
/// output carries the mask only when returning sequences.
/// </summary>
public sealed class Bidirectional : Layer
{
    private static readonly string[] MergeModes = ["concat", "sum", "mul", "ave"];

    public Bidirectional(RecurrentLayer layer, string mergeMode = "concat", RecurrentLayer? backwardLayer = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape ?? layer?.DeclaredInputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.ReturnState || backwardLayer?.ReturnState == true)
            throw new ArgumentException(
                $"Bidirectional '{Name}': a wrapped layer with return_state is not supported (Keras would return both directions' states).",
                nameof(layer));
        if (!MergeModes.Contains(mergeMode))
            throw new ArgumentException(
                $"Bidirectional 'merge_mode' must be one of {string.Join(", ", MergeModes)}; found '{mergeMode}'.", nameof(mergeMode));
        MergeMode = mergeMode;
        ForwardLayer = Copy(layer, "forward_", goBackwards: null);
        BackwardLayer = backwardLayer ?? Copy(layer, "backward_", goBackwards: !layer.GoBackwards);
        if (ForwardLayer.ReturnSequences != BackwardLayer.ReturnSequences)
            throw new ArgumentException(
                $"Bidirectional '{Name}': the forward and backward layers must agree on return_sequences.", nameof(backwardLayer));
        // keras/src/layers/rnn/bidirectional.py forces zero_output_for_mask to return_sequences on both layers.
        ForwardLayer.ZeroOutputForMask = ForwardLayer.ReturnSequences;
        BackwardLayer.ZeroOutputForMask = BackwardLayer.ReturnSequences;
    }

    public override string ClassName => "Bidirectional";

    public string MergeMode { get; }

    public RecurrentLayer ForwardLayer { get; }

    public RecurrentLayer BackwardLayer { get; }

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ForwardLayer.ReturnSequences ? mask : null;

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

    protected override void BuildWeights(int[] inputShape)
    {
        ForwardLayer.Build(inputShape);
        BackwardLayer.Build(inputShape);
        AddSublayerWeights(ForwardLayer);
        AddSublayerWeights(BackwardLayer);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.Rank != 3)
            throw new ArgumentException(
                $"Layer '{Name}' (Bidirectional) needs inputs of shape (None, timesteps, features) but receives " +
                $"{Describe(inputs.Shape[1..])}.");
        CheckInput(inputs);
        var forward = ForwardLayer.CallWithMask(inputs, training);
        lastForwardOutput = forward;
        var backward = BackwardLayer.CallWithMask(inputs, training);
        if (BackwardLayer.ReturnSequences) backward = Op.Record(new ReverseTimeOp(backward));
        return MergeMode switch
        {
            "concat" => Tensor.Concat([forward, backward], forward.Rank - 1),
            "sum" => forward + backward,
            "mul" => forward * backward,
            _ => (forward + backward) * 0.5f,
        };
    }

    private Tensor? lastForwardOutput;

    /// <summary>The merged output, with the forward layer's state gradients and gates (observed right after the call that made it).</summary>
    public override LayerActivity Observe(Tensor output) =>
        new(this, output, null, null)
        {
            StateGradients = lastForwardOutput?.Creator as IStateGradientOp,
            Gates = ForwardLayer.GatesOf(lastForwardOutput?.Creator),
        };

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
        var mergeMode = config.TryGet("merge_mode", out var mode)
            ? mode as string ?? throw new ArgumentException($"Bidirectional 'merge_mode' {Config.Describe(mode)} is not supported (only concat, sum, mul, ave).")
            : "concat";
        return new Bidirectional(forward, mergeMode, backward, inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
