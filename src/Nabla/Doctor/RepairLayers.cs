using Nabla.Configuration;

namespace Nabla.Doctor;

/// <summary>
/// What the repairs need to know about one entry of a model config's layer list, read from the layer's own full
/// Keras config (the layer is deserialized, so keys the file left out are filled with their defaults), never from
/// its class: a feed-forward kernel layer (Dense, Conv1D, Conv2D, DepthwiseConv2D, a user's layer with Keras's kernel
/// keys) has a "kernel_initializer" (a depthwise one "depthwise_initializer") and an "activation"; a recurrent layer
/// also has a "recurrent_initializer" and is left to the recurrent repairs; an Activation layer has an "activation"
/// and no kernel.
/// </summary>
internal sealed record RepairLayer(int Index, Config Entry, Config Full)
{
    /// <summary>The entry's own (mutable) config, which a repair edits.</summary>
    public Config Config => Entry.GetConfig("config")!;

    public string ClassName => Entry.GetString("class_name");

    public bool HasKernel => Full.ContainsKey(KernelInitializerKey);

    /// <summary>The key of the kernel's initializer: "kernel_initializer", or a depthwise convolution's
    /// "depthwise_initializer" (Keras's name for its one per-channel kernel).</summary>
    public string KernelInitializerKey => Full.ContainsKey("depthwise_initializer") ? "depthwise_initializer" : "kernel_initializer";

    public bool Recurrent => Full.ContainsKey("recurrent_initializer");

    /// <summary>A kernel layer whose activation the repairs may change: a Dense or convolution layer, not a recurrent one.</summary>
    public bool FeedForwardKernel => HasKernel && !Recurrent && Full.ContainsKey("activation");

    /// <summary>The axis of the layer's output that holds its channels or units, as a BatchNormalization after it takes
    /// it: 1 for a channels-first convolution, else the last (-1).</summary>
    public int ChannelAxis => Full.GetString("data_format", null) == Layers.ImageLayout.FirstName ? 1 : -1;

    /// <summary>A layer without weights that applies an activation function (Keras's Activation layer).</summary>
    public bool ActivationOnly => !HasKernel && Full.ContainsKey("activation");

    /// <summary>The activation's registered name ("linear" when none).</summary>
    public string Activation => Activations.Activation.Deserialize(Full.GetValueOr("activation", "linear")).Name;

    /// <summary>The layer's name in the config, or its class and position when the config gives none.</summary>
    public string Name => Config.GetString("name", null) ?? $"{ClassName} #{Index}";

    /// <summary>The bias starts away from Keras's default of zeros (a Constant −10 under ReLU, +8 under sigmoid).</summary>
    public bool BiasOffZero => Full.GetConfig("bias_initializer") is Config bias
        && bias.GetString("class_name", null) is string name && name != "Zeros"
        && !(name == "Constant" && bias.GetConfig("config")?.GetDouble("value", 0) == 0);

    /// <summary>Sets the bias initializer back to zeros; returns what it was, or null when it already was zeros.</summary>
    public string? ResetBias()
    {
        if (!BiasOffZero) return null;
        var before = Full.GetConfig("bias_initializer")!;
        string was = before.GetString("class_name") + (before.GetConfig("config") is Config c && c.TryGet("value", out var v) ? $"({Config.Describe(v)})" : "");
        Config["bias_initializer"] = Registry<Initializers.Initializer>.Serialize(Initializers.Initializer.Get("zeros"));
        return was;
    }

    /// <summary>This entry and, for a wrapper (Bidirectional, TimeDistributed: a layer config under "layer", and
    /// Bidirectional's "backward_layer" when the file gives one), the layers it wraps, whose configs a repair edits in place.</summary>
    public IEnumerable<RepairLayer> WithWrapped()
    {
        yield return this;
        foreach (var key in new[] { "layer", "backward_layer" })
            if (Config.GetValueOr(key, 0) is Config inner && inner.ContainsKey("class_name"))
                foreach (var wrapped in Of([inner]).SelectMany(l => l.WithWrapped())) yield return wrapped;
    }

    /// <summary>Reads every entry of <paramref name="layers"/> (the entries of a config the model was built from).</summary>
    public static List<RepairLayer> Of(List<Config> layers)
    {
        var result = new List<RepairLayer>(layers.Count);
        for (int i = 0; i < layers.Count; i++) result.Add(new RepairLayer(i, layers[i], FullConfig(layers[i])));
        return result;
    }

    /// <summary>The entries by layer name (a functional config's names are unique; the first entry wins otherwise).</summary>
    public static Dictionary<string, RepairLayer> ByName(IEnumerable<RepairLayer> layers)
    {
        var byName = new Dictionary<string, RepairLayer>();
        foreach (var layer in layers) byName.TryAdd(layer.Name, layer);
        return byName;
    }

    /// <summary>Index of the output layer: the last kernel layer (recurrent or not); -1 when there is none.</summary>
    public static int OutputIndex(IReadOnlyList<RepairLayer> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
            if (layers[i].HasKernel) return i;
        return -1;
    }

    private static Config FullConfig(Config entry)
    {
        var clone = entry.DeepClone();
        // A fixed name: deserializing must not draw from the automatic layer names the built model will use.
        if (clone.GetConfig("config") is Config inner && !inner.TryGet("name", out _)) inner["name"] = "repair_probe";
        return Layers.Layer.Deserialize(clone).GetConfig();
    }
}
