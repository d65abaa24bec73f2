using Nabla.Configuration;
using PureHDF;
using Nabla.Layers;
using Nabla.Data;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// The legacy HDF5 model file (<c>model.save("x.h5")</c> in Keras 2, tf.keras and Keras 3): root attributes
/// <c>keras_version</c>, <c>backend</c>, <c>model_config</c> and <c>training_config</c> (JSON); weights under
/// <c>model_weights/&lt;layer name&gt;</c>, each group listing its datasets in a <c>weight_names</c> attribute
/// (Keras 2: "dense_1/kernel:0", Keras 3: "dense/kernel"); Keras 2's optimizer state under <c>optimizer_weights</c>.
/// Layers are addressed by name here, not by class and position.
/// </summary>
internal static class LegacyH5
{
    public const string Extension = ".h5";

    public static Model Load(string path)
    {
        using var file = Hdf5Reader.Open(path);
        KerasConfigCheck.Version(file.StringAttribute("/", "keras_version"), $"{path} root attribute 'keras_version'");
        string configJson = file.StringAttribute("/", "model_config")
            ?? throw DataFormatException.AtField(path, "attribute 'model_config'", "a legacy Keras model file (root attribute model_config)",
                "none (a weights-only file? load it with LoadWeights into a model you build)");
        string configSource = $"{path} attribute 'model_config'";
        var model = KerasArchive.BuildModel(KerasArchive.ParseConfig(configJson, configSource), configSource);
        LoadWeights(model, file);
        if (file.StringAttribute("/", "training_config") is { } trainingJson)
        {
            string trainingSource = $"{path} attribute 'training_config'";
            LegacyTrainingConfig.Compile(model, KerasArchive.ParseConfig(trainingJson, trainingSource), trainingSource);
            if (file.Exists("optimizer_weights")) LegacyOptimizerWeights.Restore(model, file);
        }
        return model;
    }

    /// <summary>Loads every layer's weights by layer name, after checking every count and shape.</summary>
    public static void LoadWeights(Model model, Hdf5Reader file)
    {
        string root = file.Exists("model_weights") ? "model_weights" : "";
        var reads = new LegacyLayerReads(file, root.Length == 0 ? "/" : root);
        foreach (var layer in model.Layers.Where(l => l.KerasFileWeights.Count > 0))
        {
            string group = root.Length == 0 ? layer.Name : $"{root}/{layer.Name}";
            if (!file.Exists(group)) reads.Weights.Mismatch(layer, $"missing group '{group}' for {layer}");
            else reads.Check(group, layer);
        }
        reads.Weights.Apply(model, root.Length == 0 ? "root group" : root, $"the {model.Weights.Count} weights of model '{model.Name}' by layer name");
    }

    /// <summary>Writes the form Keras 3 writes (weight names "dense/kernel", a <c>top_level_model_weights</c> group);
    /// the optimizer's configuration travels in <c>training_config</c>, its state does not.</summary>
    public static void Save(Sequential model, string path)
    {
        var config = KerasConfigStyle.ForKeras(KerasModelJson.ToConfig(model));
        // Keras's model.layers: a Sequential model's InputLayer is not one of them. A nested model is one layer whose
        // group holds all its weights, each under its own name ("dense_3/kernel"), as Keras writes it.
        var layers = model.Layers.Where(l => l is not InputLayer).ToList();
        var weights = new H5Group
        {
            Attributes = new()
            {
                ["layer_names"] = layers.Select(l => l.Name).ToArray(),
                ["backend"] = "tensorflow",
                ["keras_version"] = KerasArchive.KerasVersion,
            },
        };
        foreach (var layer in layers.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            var names = layer.KerasFileWeights.Select(w => w.Name!).ToArray();
            var group = new H5Group { Attributes = new() { ["weight_names"] = names.Length > 0 ? names : Array.Empty<double>() } };
            foreach (var weight in layer.KerasFileWeights)
            {
                var parts = weight.Name!.Split('/');
                var parent = group;
                foreach (string part in parts[..^1])
                {
                    if (!parent.TryGetValue(part, out var child)) parent[part] = child = new H5Group();
                    parent = (H5Group)child;
                }
                parent[parts[^1]] = KerasWeightsTree.Dataset(weight);
            }
            weights[layer.Name] = group;
        }
        weights["top_level_model_weights"] = new H5Group { Attributes = new() { ["weight_names"] = Array.Empty<double>() } };
        var file = new H5File
        {
            ["model_weights"] = weights,
            Attributes = new()
            {
                ["keras_version"] = KerasArchive.KerasVersion,
                ["backend"] = "tensorflow",
                ["model_config"] = config.ToJsonString(),
            },
        };
        if (model.IsCompiled) file.Attributes["training_config"] = LegacyTrainingConfig.Write(model).ToJsonString();
        AtomicFile.Write(path, stream => Hdf5Writer.Write(file, stream));
    }
}
