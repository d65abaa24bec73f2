using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>TimeDistributed</c>: applies the wrapped layer to every timestep of [batch, steps, ...] with the same
/// weights, by folding the steps into the batch ([batch·steps, ...]) and unfolding the result. A timestep mask
/// passes through unchanged (Keras: supports_masking); the wrapped layer does not see it.
/// </summary>
public sealed class TimeDistributed : Layer
{
    public TimeDistributed(Layer layer, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.TensorsPerCall != 1)
            throw new ArgumentException(
                $"TimeDistributed '{Name}': the wrapped layer '{layer.Name}' makes {layer.TensorsPerCall} tensors per call; it must make one.",
                nameof(layer));
        Layer = layer;
    }

    public override string ClassName => "TimeDistributed";

    /// <summary>The number of steps may be unknown; the wrapped layer sees one step's shape.</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => axis == 0;

    public Layer Layer { get; }

    public override void ResetStates() => Layer.ResetStates();

    public override bool CarriesStates => Layer.CarriesStates;

    internal override Action? SnapshotStates() => Layer.SnapshotStates();

    public override bool SupportsMasking => true;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length < 2)
            throw new ArgumentException(
                $"Layer '{Name}' (TimeDistributed) needs inputs of shape (None, timesteps, ...) but receives {Describe(inputShape)}.");
        return [inputShape[0], .. Layer.ComputeOutputShape(inputShape[1..])];
    }

    /// <summary>Keras 3 keeps the weights in the wrapped layer, its attribute "layer".</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups => [.. KerasVarGroupsOf("layer", Layer)];

    protected override void BuildWeights(int[] inputShape)
    {
        Layer.Build(inputShape[1..]);
        AddSublayerWeights(Layer);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        Layer.RefuseUnsupportedMask(inputs.KerasMask);
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        var folded = Tensor.Reshape(inputs, [batch * steps, .. inputs.Shape[2..]]);
        var output = Layer.Call(folded, training);
        return Tensor.Reshape(output, [batch, steps, .. output.Shape[1..]]);
    }

    /// <summary>The wrapped layer's activity (its activation, pre-activation, gates) on the folded steps, so the doctor
    /// sees a TimeDistributed(Dense(softmax)) output as the softmax it is. The unfolding reshape carries no activation.</summary>
    public override LayerActivity Observe(Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.Creator is Autograd.Ops.ReshapeOp unfold
            ? Layer.Observe(unfold.Inputs[0]) with { Layer = this }
            : base.Observe(output);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["layer"] = Registry<Layer>.Serialize(Layer);
        return config;
    }

    public static TimeDistributed FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var layer = config.GetConfig("layer") ?? throw new ArgumentException("TimeDistributed config has no 'layer'.");
        return new TimeDistributed(Layer.Deserialize(layer), inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
