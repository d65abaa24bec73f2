using Nabla.Configuration;

namespace Nabla.Serialization;

/// <summary>
/// Reads and writes models as Keras's <c>model.to_json()</c> does: Sequential and Functional models. Accepts
/// Keras 3 (<c>batch_shape</c>, <c>InputLayer</c>, <c>module</c> keys, nodes with <c>keras_history</c>), Keras 2
/// (<c>batch_input_shape</c>, the oldest form where <c>config</c> is the layer list itself, nested node lists;
/// its functional class name "Model") and TensorFlow.js (VarianceScaling initializers).
/// </summary>
public static class KerasModelJson
{
    /// <summary>The model of a Keras JSON config: a <see cref="Sequential"/> where the config is one, else a functional <see cref="Model"/>.</summary>
    public static Model FromJson(string json, string? source = null)
    {
        Config config;
        try { config = Config.Parse(json); }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"{source ?? "Model JSON"}: not valid JSON ({e.Message}).", e);
        }
        return FromConfig(config, source);
    }

    /// <summary>From <c>{"class_name": "Sequential" or "Functional", "config": ...}</c> or a bare Sequential config.</summary>
    public static Model FromConfig(Config config, string? source = null)
    {
        string where = source ?? "model";
        KerasConfigCheck.Version(config.GetString("keras_version", null), $"{where}: 'keras_version'");
        if (config.TryGet("class_name", out var cls))
        {
            config.TryGetValue("config", out var inner);
            if (cls is "Functional" or "Model")
                return Functional(inner as Config
                    ?? throw new ArgumentException($"{where}: 'config' must be an object, found {Config.Describe(inner)}."), where);
            if (cls is not "Sequential")
                throw new ArgumentException(
                    $"{where}: 'class_name' is {Config.Describe(cls)}; only \"Sequential\" and \"Functional\" models can be read " +
                    "(a subclassed model needs its own FromConfig).");
            config = inner switch
            {
                Config c => c,
                List<object?> layerList => new Config { ["layers"] = layerList },
                _ => throw new ArgumentException($"{where}: 'config' must be an object or a layer list, found {Config.Describe(inner)}."),
            };
        }
        else if (config.ContainsKey("input_layers") && config.ContainsKey("output_layers"))
            return Functional(config, where);
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

    private static Model Functional(Config config, string where)
    {
        try { KerasConfigCheck.Layers(config); }
        catch (NotSupportedException e) { throw new NotSupportedException($"{where}: {e.Message}", e); }
        return FunctionalConfig.FromConfig(config, where);
    }

    /// <summary>Keras's <c>{"class_name", "config"}</c> of a Sequential or functional model. A subclassed model has no
    /// config unless it defines one, as in Keras.</summary>
    public static Config ToConfig(Model model) => model switch
    {
        Sequential sequential => new Config
        {
            ["module"] = "keras",
            ["class_name"] = "Sequential",
            ["config"] = sequential.GetConfig(),
            ["registered_name"] = null,
        },
        _ when model.Functional is not null => new Config
        {
            ["module"] = "keras.src.models.functional",
            ["class_name"] = "Functional",
            ["config"] = FunctionalConfig.ToConfig(model),
            ["registered_name"] = null,
        },
        _ => throw new NotSupportedException(
            $"Model '{model.Name}' is a subclassed model ({model.GetType().Name}): its architecture is code, so it has no Keras config. " +
            "Save its weights with SaveWeights, or build it functionally to save it whole."),
    };

    public static string ToJson(Model model) => ToConfig(model).ToJsonString();
}
