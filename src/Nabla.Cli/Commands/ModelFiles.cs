using Nabla.Configuration;
using Nabla.Serialization;

namespace Nabla.Cli.Commands;

/// <summary>Opens any model file the CLI accepts, by extension: ".keras", legacy ".h5", TensorFlow.js "model.json"
/// (a JSON object with modelTopology), a Keras model JSON (<c>model.to_json()</c>, architecture only) or an experiment
/// file's model (its "model" entry).</summary>
internal static class ModelFiles
{
    public static Model Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".weights.json", StringComparison.OrdinalIgnoreCase))
        {
            var config = Config.Parse(File.ReadAllText(path));
            if (!config.ContainsKey("modelTopology"))
            {
                // An experiment (model, compile, data, fit) holds its model's Keras JSON under "model".
                bool experiment = !config.ContainsKey("class_name") && !config.ContainsKey("layers") && config.GetConfig("model") is not null;
                if (experiment) config = config.GetConfig("model")!;
                var model = KerasModelJson.FromConfig(config, experiment ? $"{path} 'model'" : path);
                if (!model.IsBuilt && config.GetConfig("config")?.GetIntArray("build_input_shape") is int[] shape) model.Build(shape[1..]);
                return model;
            }
        }
        return Model.Load(path);
    }
}
