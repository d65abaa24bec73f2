using Nabla.Configuration;
namespace Nabla.Serialization;

/// <summary>
/// A key of Keras layer configs refused for every class before the layers are built: a non-null
/// <c>quantization_config</c> (Nabla has no quantized layers). The dtype, sparse and ragged inputs are read where each
/// layer is read (<see cref="Nabla.Layers.Layer.CheckDType"/>, <see cref="Nabla.Layers.InputLayer"/>).
/// </summary>
internal static class KerasConfigCheck
{
    public static void Layers(Config modelConfig)
    {
        if (!modelConfig.TryGet("layers", out var value) || value is not List<object?> layers) return;
        foreach (var item in layers)
        {
            if (item is not Config spec || spec.GetConfig("config") is not { } config) continue;
            string where = $"layer '{config.GetString("name", null) ?? "?"}' ({spec.GetString("class_name", null) ?? "?"})";
            if (config.TryGet("quantization_config", out var quantization))
                throw new NotSupportedException($"{where}: 'quantization_config' is {Config.Describe(quantization)}; Nabla does not implement quantized layers.");
        }
    }

}
