using Nabla.Configuration;
namespace Nabla.Serialization;

/// <summary>
/// Keys of Keras layer configs that change the math and that Nabla does not implement, refused by name before the
/// layers are built: a dtype other than float32 (a string, or a DTypePolicy object as Keras 3 writes it; an integer one
/// where Keras gives a layer integer values: an input of token ids, a preprocessing layer's indices or counts, which
/// Nabla carries as float32, exactly up to 2^24), a non-null
/// <c>quantization_config</c>, and sparse or ragged inputs. Keys that change nothing (<c>shared_object_id</c>,
/// <c>optional</c>, <c>registered_name</c>) pass.
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
            Nabla.Layers.Layer.CheckDType(config, spec.GetString("class_name", null) ?? "?", where);
            if (config.TryGet("quantization_config", out var quantization))
                throw new NotSupportedException($"{where}: 'quantization_config' is {Config.Describe(quantization)}; Nabla does not implement quantized layers.");
            foreach (string key in new[] { "sparse", "ragged" })
                if (config.TryGet(key, out var flag) && flag is true)
                    throw new NotSupportedException($"{where}: '{key}' is true; Nabla's inputs are dense tensors.");
        }
    }

}
