using Nabla.Configuration;
namespace Nabla.Serialization;

/// <summary>
/// Keys of Keras layer configs refused for every class before the layers are built: a non-null
/// <c>quantization_config</c> (Nabla has no quantized layers), and Keras 1's keys, which Keras 2 renamed when it
/// converted Keras 1 models (keras/legacy/interfaces.py): a Keras 1 model would otherwise fail on the first key Keras 2
/// requires ("missing 'units'"), without saying why. The dtype, sparse and ragged inputs are read where each layer is
/// read (<see cref="Nabla.Layers.Layer.CheckDType"/>, <see cref="Nabla.Layers.InputLayer"/>).
/// </summary>
internal static class KerasConfigCheck
{
    /// <summary>Keras 1's layer keys that no Keras 2 or 3 layer has, with the Keras 2 key each became.</summary>
    private static readonly (string Key, string Renamed)[] Keras1Keys =
    [
        ("init", "kernel_initializer"), ("inner_init", "recurrent_initializer"),
        ("W_regularizer", "kernel_regularizer"), ("b_regularizer", "bias_regularizer"), ("U_regularizer", "recurrent_regularizer"),
        ("W_constraint", "kernel_constraint"), ("b_constraint", "bias_constraint"), ("U_constraint", "recurrent_constraint"),
        ("nb_filter", "filters"), ("nb_row", "kernel_size"), ("nb_col", "kernel_size"), ("border_mode", "padding"),
        ("subsample", "strides"), ("dim_ordering", "data_format"), ("inner_activation", "recurrent_activation"),
        ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout"), ("consume_less", "implementation"),
        ("beta_init", "beta_initializer"), ("gamma_init", "gamma_initializer"),
    ];

    public static void Layers(Config modelConfig)
    {
        if (!modelConfig.TryGet("layers", out var value) || value is not List<object?> layers) return;
        foreach (var item in layers)
        {
            if (item is not Config spec || spec.GetConfig("config") is not { } config) continue;
            string className = spec.GetString("class_name", null) ?? "?";
            string where = $"layer '{config.GetString("name", null) ?? "?"}' ({className})";
            if (config.TryGet("quantization_config", out var quantization))
                throw new NotSupportedException($"{where}: 'quantization_config' is {Config.Describe(quantization)}; Nabla does not implement quantized layers.");
            if (Keras1Key(className, config) is var (key, renamed))
                throw Keras1($"{where} has the Keras 1 key '{key}' (Keras 2 calls it '{renamed}')");
        }
    }

    /// <summary>Refuses a model that says it was written by Keras 1 (<paramref name="version"/>, read from
    /// <paramref name="field"/>).</summary>
    public static void Version(string? version, string field)
    {
        if (version is not null && version.StartsWith("1.", StringComparison.Ordinal))
            throw Keras1($"{field} is \"{version}\"");
    }

    private static (string Key, string Renamed)? Keras1Key(string className, Config config)
    {
        foreach (var (key, renamed) in Keras1Keys)
            if (config.ContainsKey(key)) return (key, renamed);
        // Keras 1's Dense and recurrent layers named their units output_dim (Embedding keeps that name), and Dropout's rate
        // was its p.
        if (className is "Dense" or "SimpleRNN" or "GRU" or "LSTM" && config.ContainsKey("output_dim")) return ("output_dim", "units");
        if (className.EndsWith("Dropout", StringComparison.Ordinal) && config.ContainsKey("p") && !config.ContainsKey("rate")) return ("p", "rate");
        return null;
    }

    private static NotSupportedException Keras1(string evidence) => new(
        $"{evidence}: this model was written by Keras 1, whose layer configs and weight layouts Nabla does not read " +
        "(it reads Keras 2 and 3 files). Load it in Keras 2, which converts Keras 1 models, and save it again.");
}
