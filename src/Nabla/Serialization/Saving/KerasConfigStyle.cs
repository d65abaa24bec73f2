using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Serialization.Saving;

/// <summary>
/// Turns Nabla's model config into what Keras 3's <c>config.json</c> holds: <c>module</c> and <c>registered_name</c>
/// on every serialized object (Keras's deserializer looks classes up by module), and an explicit InputLayer first in a
/// Sequential model, taking the batch shape the first layer declared.
/// </summary>
internal static class KerasConfigStyle
{
    public static Config ForKeras(Config modelConfig)
    {
        var config = modelConfig.DeepClone();
        AddInputLayers(config);
        Decorate(config, "keras");
        return config;
    }

    /// <summary>The InputLayer of every Sequential model in the config, the outer one and those nested as layers.</summary>
    private static void AddInputLayers(Config model)
    {
        if (model.GetConfig("config") is not { } inner || !inner.TryGet("layers", out var value) || value is not List<object?> layers) return;
        if (model.GetString("class_name", null) is "Sequential" or null) AddInputLayer(layers);
        foreach (var layer in layers)
            if (layer is Config { } entry && entry.GetString("class_name", null) is "Sequential" or "Functional") AddInputLayers(entry);
    }

    private static void AddInputLayer(List<object?> layers)
    {
        if (layers.Count == 0 || layers[0] is not Config first || first.GetString("class_name", null) == "InputLayer") return;
        if (first.GetConfig("config") is not { } firstConfig || firstConfig.GetIntArray("batch_shape") is not int[] batchShape) return;
        firstConfig.Remove("batch_shape");
        layers.Insert(0, Registry<Layer>.Serialize(new InputLayer(batchShape[1..], "input_layer")));
    }

    /// <summary>Adds module and registered_name to each <c>{"class_name", "config"}</c> object, the module chosen by
    /// the key that holds it, as Keras's <c>serialize_keras_object</c> writes them.</summary>
    private static void Decorate(object? value, string module)
    {
        switch (value)
        {
            case Config c:
                if (c.ContainsKey("class_name") && c.ContainsKey("config"))
                {
                    c.TryAdd("module", module);
                    c.TryAdd("registered_name", null);
                }
                foreach (var (key, child) in c.ToList())
                    if (key is not ("module" or "registered_name")) Decorate(child, ModuleFor(key, module));
                break;
            case List<object?> list:
                foreach (var item in list) Decorate(item, module);
                break;
        }
    }

    private static string ModuleFor(string key, string parentModule) => key switch
    {
        "layers" => "keras.layers",
        "optimizer" => "keras.optimizers",
        "learning_rate" => "keras.optimizers.schedules",
        "loss" => "keras.losses",
        "metrics" or "weighted_metrics" => "keras.metrics",
        "dtype" => "keras",
        _ when key.EndsWith("_initializer", StringComparison.Ordinal) => "keras.initializers",
        _ when key.EndsWith("_regularizer", StringComparison.Ordinal) => "keras.regularizers",
        _ when key.EndsWith("_constraint", StringComparison.Ordinal) => "keras.constraints",
        _ => parentModule,
    };
}
