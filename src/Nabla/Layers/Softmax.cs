using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Softmax</c> layer: softmax along <c>axis</c> (default −1, the last). Only the last axis is
/// supported; any other is refused when the layer is built.</summary>
public sealed class Softmax : ActivationFunctionLayer
{
    public Softmax(int axis = -1, int[]? inputShape = null, string? name = null)
        : base(new Activations.Softmax(), inputShape, name) => Axis = axis;

    public override string ClassName => "Softmax";

    private protected override string? UnsupportedMaskUse => "its softmax (masked entries are excluded)";

    public int Axis { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        // Axis counts the batch axis: the last axis of a [batch, ...sample] tensor is sample rank.
        if (Axis != -1 && Axis != inputShape.Length)
            throw new ArgumentException(
                $"Layer '{Name}' (Softmax): 'axis' = {Axis} is not supported for inputs {Describe(inputShape)}; only the last axis " +
                $"(-1 or {inputShape.Length}).");
        return inputShape;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = (long)Axis;
        return config;
    }

    public static Softmax FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        // Keras's softmax over axis None spans every axis, the batch's included.
        RefuseNull(config, "Softmax", "axis");
        if (config.TryGet("axis", out var axis) && axis is List<object?>)
            throw new ArgumentException($"Softmax '{name ?? "?"}': 'axis' {Config.Describe(axis)} (several axes) is not supported; only the last axis.");
        return new Softmax(config.GetInt("axis", -1), inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
