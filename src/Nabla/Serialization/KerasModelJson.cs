using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Serialization;

/// <summary>
/// Reads and writes models as Keras's <c>model.to_json()</c> does. Accepts Keras 3
/// (<c>batch_shape</c>, <c>InputLayer</c>, <c>module</c> keys), Keras 2 (<c>batch_input_shape</c>, or
/// the oldest form where <c>config</c> is the layer list itself) and TensorFlow.js (VarianceScaling initializers).
/// </summary>
public static class KerasModelJson
{
    public static Sequential FromJson(string json, string? source = null)
    {
        Config config;
        try { config = Config.Parse(json); }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"{source ?? "Model JSON"}: not valid JSON ({e.Message}).", e);
        }
        return FromConfig(config, source);
    }

    /// <summary>From <c>{"class_name": "Sequential", "config": ...}</c> or the bare Sequential config.</summary>
    public static Sequential FromConfig(Config config, string? source = null)
    {
        string where = source ?? "model";
        if (config.TryGet("class_name", out var cls))
        {
            if (cls is not "Sequential")
                throw new ArgumentException($"{where}: 'class_name' is {Config.Describe(cls)}; only \"Sequential\" models are supported.");
            config.TryGetValue("config", out var inner);
            config = inner switch
            {
                Config c => c,
                List<object?> layerList => new Config { ["layers"] = layerList },
                _ => throw new ArgumentException($"{where}: 'config' must be an object or a layer list, found {Config.Describe(inner)}."),
            };
        }
        try
        {
            KerasConfigCheck.Layers(config);
            return Sequential.FromConfig(config);
        }
        catch (ArgumentException e) when (source is not null)
        {
            throw new ArgumentException($"{source}: {e.Message}", e);
        }
        catch (NotSupportedException e) when (source is not null)
        {
            throw new NotSupportedException($"{source}: {e.Message}", e);
        }
    }

    public static Config ToConfig(Sequential model) => new()
    {
        ["module"] = "keras",
        ["class_name"] = "Sequential",
        ["config"] = model.GetConfig(),
        ["registered_name"] = null,
    };

    public static string ToJson(Sequential model) => ToConfig(model).ToJsonString();
}
