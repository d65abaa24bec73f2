using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>InputLayer</c>: declares the per-sample input shape; passes inputs through.</summary>
public sealed class InputLayer : Layer
{
    public InputLayer(int[] shape, string? name = null) : base(name, shape) { }

    public override string ClassName => "InputLayer";

    /// <summary>An input may leave any axis to the data (Keras's None).</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => true;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return inputs;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("trainable");
        config["sparse"] = false;
        return config;
    }

    public static InputLayer FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        // Sparse and ragged inputs (tf.keras 2) and optional ones (Keras 3, which may be None) have no Nabla equivalent.
        foreach (string key in new[] { "sparse", "ragged" })
            if (config.GetBool(key, false))
                throw new NotSupportedException($"InputLayer '{config.GetString("name", null) ?? "?"}': '{key}' is true; Nabla's inputs are dense tensors.");
        if (config.GetBool("optional", false)) throw new ArgumentException("InputLayer config 'optional' is true: Nabla's inputs cannot be None.");
        return new InputLayer(inputShape ?? throw new ArgumentException(
            "InputLayer config needs 'batch_shape' (Keras 3) or 'batch_input_shape' (Keras 2)."), name);
    }
}
