using Nabla.Data;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// Keras's <c>model.load_weights("x.h5")</c> on a legacy HDF5 weights file: what <c>save_weights</c> wrote in Keras 2
/// and tf.keras, and the ImageNet weights <c>keras.applications</c> downloads. The root lists its layers in a
/// <c>layer_names</c> attribute (split into <c>layer_names0</c>, <c>layer_names1</c>... when it outgrows HDF5's 64 KB
/// attribute limit, as Keras splits it), each layer's group its datasets in <c>weight_names</c>. As Keras's
/// <c>load_weights_from_hdf5_group</c>, the model's layers that hold weights take the file's layers that list any
/// in order, not by name, so a model built with other layer names still loads; every count and shape is checked
/// before any weight changes. A full legacy model file holds the same tree under <c>model_weights</c>.
/// </summary>
internal static class LegacyH5Weights
{
    public static void Load(Model model, string path)
    {
        using var file = Hdf5Reader.Open(path);
        string root = file.StringArrayAttribute("/", LayerNamesAttribute) is null && file.Exists("model_weights") ? "model_weights" : "";
        var fileLayers = LayerNames(file, root, path)
            .Where(name => (file.StringArrayAttribute(Group(root, name), "weight_names") ?? []).Length > 0).ToList();
        var layers = model.Layers.Where(l => l.KerasFileWeights.Count > 0).ToList();
        string where = root.Length == 0 ? "root attribute 'layer_names'" : $"'{root}' attribute 'layer_names'";
        if (fileLayers.Count != layers.Count)
            throw DataFormatException.AtField(path, where,
                $"{layers.Count} layers with weights, as model '{model.Name}' has (taken in order, as Keras's load_weights takes them)",
                $"{fileLayers.Count} ({Preview(fileLayers)})");
        var problems = new List<string>();
        var values = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < layers.Count; k++)
        {
            string group = Group(root, fileLayers[k]);
            var names = file.StringArrayAttribute(group, "weight_names")!;
            var weights = layers[k].KerasFileWeights;
            if (names.Length != weights.Count)
            {
                problems.Add($"'{group}' lists {names.Length} weights ({string.Join(", ", names)}) for layer #{k + 1} with weights, {layers[k]}, which has {weights.Count}");
                continue;
            }
            for (int i = 0; i < names.Length; i++)
            {
                string dataset = $"{group}/{names[i]}";
                if (names[i].Split('/').Any(p => p is "" or "." or "..") || !file.Exists(dataset))
                {
                    problems.Add($"missing dataset '{dataset}'");
                    continue;
                }
                int[] shape = file.Shape(dataset);
                if (!Tensor.SameShape(shape, weights[i].Shape))
                    problems.Add($"'{dataset}' is {Tensor.ShapeString(shape)} where {layers[k]} expects {Tensor.ShapeString(weights[i].Shape)}");
                else values[weights[i]] = Tensor.FromArray(file.ReadFloats(dataset, weights[i].Shape), weights[i].Shape);
            }
        }
        if (problems.Count > 0)
            throw DataFormatException.AtField(path, where, $"the weights of model '{model.Name}', layer by layer in order",
                string.Join("; ", problems) + ". No weight was changed");
        FileContent.SetWeights(model, model.Weights.Select(w => values.GetValueOrDefault(w, w)).ToList(), path);
    }

    private const string LayerNamesAttribute = "layer_names";

    /// <summary>Keras's <c>load_attributes_from_hdf5_group</c>: the attribute itself, or its numbered chunks in order.</summary>
    private static List<string> LayerNames(Hdf5Reader file, string root, string path)
    {
        string owner = root.Length == 0 ? "/" : root;
        if (file.StringArrayAttribute(owner, LayerNamesAttribute) is { } names) return [.. names];
        var chunks = new List<string>();
        for (int chunk = 0; file.StringArrayAttribute(owner, LayerNamesAttribute + chunk) is { } part; chunk++) chunks.AddRange(part);
        if (chunks.Count == 0)
            throw DataFormatException.AtField(path, $"attribute '{LayerNamesAttribute}' of '{owner}'",
                "a Keras weights file listing its layers (save_weights in Keras 2 or tf.keras, or a legacy model file)", "none");
        return chunks;
    }

    private static string Group(string root, string layer) => root.Length == 0 ? layer : $"{root}/{layer}";

    private static string Preview(List<string> names) =>
        names.Count == 0 ? "none" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", ..." : "");
}
