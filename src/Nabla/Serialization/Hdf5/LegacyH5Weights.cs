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
    /// <param name="byName">Keras's <c>by_name</c>: each layer takes the file's layer of its own name; layers the file
    /// does not name keep their weights, and the file's other layers are ignored (both reported).</param>
    /// <param name="skipMismatch">Keras's <c>skip_mismatch</c>: a layer whose weight count or shapes differ keeps its
    /// weights instead of failing the load. The number of layers must still agree when they are taken in order.</param>
    public static WeightsLoadReport Load(Model model, string path, bool skipMismatch = false, bool byName = false)
    {
        using var file = Hdf5Reader.Open(path);
        string root = file.StringArrayAttribute("/", LayerNamesAttribute) is null && file.Exists("model_weights") ? "model_weights" : "";
        var fileLayers = LayerNames(file, root, path)
            .Where(name => (file.StringArrayAttribute(Group(root, name), "weight_names") ?? []).Length > 0).ToList();
        var layers = model.Layers.Where(l => l.KerasFileWeights.Count > 0).ToList();
        string where = root.Length == 0 ? "root attribute 'layer_names'" : $"'{root}' attribute 'layer_names'";
        var reads = new LegacyLayerReads(file, root.Length == 0 ? "/" : root, skipMismatch);
        if (byName)
        {
            var saved = fileLayers.ToHashSet(StringComparer.Ordinal);
            foreach (var layer in layers)
                if (saved.Contains(layer.Name)) reads.Check(Group(root, layer.Name), layer);
                else reads.Weights.Absent(layer, "the file has no layer of that name");
            var names = layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            foreach (string name in fileLayers.Where(n => !names.Contains(n))) reads.Weights.Ignored(name);
            return reads.Weights.Apply(model, where, $"the weights of model '{model.Name}', layer by layer by name");
        }
        if (fileLayers.Count != layers.Count)
            throw DataFormatException.AtField(path, where,
                $"{layers.Count} layers with weights, as model '{model.Name}' has (taken in order, as Keras's load_weights takes them; byName takes them by name)",
                $"{fileLayers.Count} ({Preview(fileLayers)})");
        for (int k = 0; k < layers.Count; k++) reads.Check(Group(root, fileLayers[k]), layers[k]);
        return reads.Weights.Apply(model, where, $"the weights of model '{model.Name}', layer by layer in order");
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

/// <summary>The checks both legacy readers make of a layer's group (its <c>weight_names</c> count, each dataset's
/// presence and shape), recorded in one <see cref="WeightReads"/>: the datasets are read only once every layer passed
/// (or its mismatch was skipped), so a refused file changes no weight.</summary>
/// <param name="owner">The group whose attributes list the layers, and name the backend that wrote them.</param>
internal sealed class LegacyLayerReads(Hdf5Reader file, string owner, bool skipMismatch = false)
{
    public WeightReads Weights { get; } = new(file.Source, skipMismatch);

    /// <summary>Keras 2 (saving.py, _need_convert_kernel): Theano computes true convolutions where TensorFlow, and Nabla,
    /// compute correlations, so a file whose <c>backend</c> attribute is "theano" holds kernels flipped along every
    /// spatial axis, which Keras 2 flips back on loading. An absent or other backend is read as written, as Keras does.</summary>
    private readonly bool theanoKernels = file.StringAttribute(owner, "backend") == "theano";

    /// <summary>The layers and weights Keras 2 converts (its conv_layers list: the kernel, and ConvLSTM2D's recurrent kernel).</summary>
    private static bool IsTheanoConvolutionKernel(Layers.Layer layer, int weight) => layer.ClassName switch
    {
        "Conv1D" or "Conv2D" or "Conv3D" or "Conv2DTranspose" => weight == 0,
        "ConvLSTM2D" => weight is 0 or 1,
        _ => false,
    };

    /// <summary>Reverses every axis of a kernel [spatial..., in, out] but the last two: the cells' order reversed,
    /// since reversing each spatial coordinate reverses their row-major index.</summary>
    internal static float[] FlipSpatialAxes(float[] kernel, int[] shape)
    {
        int block = shape[^2] * shape[^1], cells = kernel.Length / block;
        var flipped = new float[kernel.Length];
        for (int cell = 0; cell < cells; cell++)
            Array.Copy(kernel, cell * block, flipped, (cells - 1 - cell) * block, block);
        return flipped;
    }

    public void Check(string group, Layers.Layer layer)
    {
        var names = file.StringArrayAttribute(group, "weight_names") ?? [];
        var weights = layer.KerasFileWeights;
        if (names.Length != weights.Count)
        {
            Weights.Mismatch(layer, $"'{group}' lists {names.Length} weights ({string.Join(", ", names)}) where {layer} has {weights.Count}");
            return;
        }
        for (int i = 0; i < names.Length; i++)
        {
            string dataset = $"{group}/{names[i]}";
            if (names[i].Split('/').Any(p => p is "" or "." or "..") || !file.Exists(dataset))
            {
                Weights.Mismatch(layer, $"missing dataset '{dataset}'");
                continue;
            }
            int[] shape = file.Shape(dataset);
            var weight = weights[i];
            if (!Tensor.SameShape(shape, weight.Shape))
                Weights.Mismatch(layer, $"'{dataset}' expected {Tensor.ShapeString(weight.Shape)} for {layer}, found {Tensor.ShapeString(shape)}");
            else if (theanoKernels && IsTheanoConvolutionKernel(layer, i))
                Weights.Read(layer, weight, () => FlipSpatialAxes(file.ReadFloats(dataset, weight.Shape), weight.Shape));
            else Weights.Read(layer, weight, () => file.ReadFloats(dataset, weight.Shape));
        }
    }
}
