using PureHDF;

namespace Nabla.Tests.TestSupport;

/// <summary>A weights-only HDF5 file as Keras 2's <c>save_weights("x.h5")</c> writes it (and as keras.applications'
/// ImageNet downloads are): root <c>layer_names</c> listing every layer (whole, or in numbered chunks), each layer's group
/// with <c>weight_names</c> ("dense_1/kernel:0"; an empty float64 array for a layer without weights) and the datasets
/// under "&lt;layer&gt;/&lt;name&gt;:0".</summary>
internal static class KerasTwoWeightsFile
{
    /// <param name="backend">The root <c>backend</c> attribute Keras 2 writes ("tensorflow", "theano", "cntk"); null for none.</param>
    public static void Write(Model source, string path, bool chunkedNames = false, string? backend = null)
    {
        var file = new H5File();
        var names = source.Layers.Select(l => l.Name).ToArray();
        if (chunkedNames)
        {
            int half = names.Length / 2;
            file.Attributes["layer_names0"] = names[..half];
            file.Attributes["layer_names1"] = names[half..];
        }
        else file.Attributes["layer_names"] = names;
        file.Attributes["keras_version"] = "2.2.4";
        if (backend is not null) file.Attributes["backend"] = backend;
        foreach (var layer in source.Layers)
        {
            var weights = layer.KerasFileWeights;
            var group = new H5Group
            {
                Attributes = new()
                {
                    ["weight_names"] = weights.Count == 0 ? Array.Empty<double>() : weights.Select(w => $"{layer.Name}/{ShortName(w)}:0").ToArray(),
                },
            };
            if (weights.Count > 0)
            {
                var inner = new H5Group();
                foreach (var w in weights) inner[ShortName(w) + ":0"] = new H5Dataset(w.Data.ToArray(), fileDims: w.Shape.Select(d => (ulong)d).ToArray());
                group[layer.Name] = inner;
            }
            file[layer.Name] = group;
        }
        file.Write(path);
    }

    private static string ShortName(Tensor weight) => weight.Name!.Split('/')[^1];
}
