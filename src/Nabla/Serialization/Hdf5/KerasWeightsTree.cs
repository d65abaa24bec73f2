using PureHDF;
using Nabla.Data;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// Keras 3's weights tree (saving_lib's <c>H5IOStore</c>), as in <c>model.weights.h5</c> inside a .keras archive and
/// in <c>.weights.h5</c> files: <c>layers/&lt;path&gt;/vars/&lt;i&gt;</c> per layer (path from
/// <see cref="ModelWeights.LayerPaths"/>, variables numbered trainable first), <c>optimizer/vars/&lt;i&gt;</c> and an
/// empty root <c>vars</c>. Each <c>vars</c> group carries a <c>name</c> attribute, as Keras writes from 3.6 on;
/// weightless layers get an empty <c>vars</c> group.
/// </summary>
internal static class KerasWeightsTree
{
    public static H5File Build(Model model)
    {
        var layerGroups = new H5Group();
        // A nested model owns no variables: an empty vars group, its layers under its own "layers" group.
        foreach (var (path, nested) in ModelWeights.NestedModelPaths(model))
            GroupAt(layerGroups, path)["vars"] = Vars(nested.Name);
        foreach (var (path, layer) in ModelWeights.LayerPaths(model))
            foreach (var (varsPath, weights) in ModelWeights.VarGroups(path, layer))
            {
                var vars = Vars(layer.Name);
                for (int i = 0; i < weights.Count; i++) vars[i.ToString()] = Dataset(weights[i]);
                // "layers/<path>/vars" → the group at "<path>" under "layers".
                GroupAt(layerGroups, varsPath["layers/".Length..^"/vars".Length])["vars"] = vars;
            }
        var file = new H5File { ["layers"] = layerGroups, ["vars"] = Vars(model.Name) };
        if (model.Optimizer is { } optimizer)
        {
            var vars = Vars(optimizer.Name);
            var values = KerasOptimizerVariables.Collect(model);
            for (int i = 0; i < values.Count; i++) vars[i.ToString()] = values[i];
            file["optimizer"] = new H5Group { ["vars"] = vars };
        }
        return file;
    }

    /// <summary>The group at a slash-separated path under <paramref name="root"/>, created as needed.</summary>
    private static H5Group GroupAt(H5Group root, string path)
    {
        var group = root;
        foreach (string part in path.Split('/'))
        {
            if (!group.TryGetValue(part, out var child)) group[part] = child = new H5Group();
            group = (H5Group)child;
        }
        return group;
    }

    public static void Write(Model model, Stream stream) => Hdf5Writer.Write(Build(model), stream);

    private static H5Group Vars(string name) => new() { Attributes = new() { ["name"] = name } };

    internal static H5Dataset Dataset(Tensor tensor) =>
        new(tensor.Data.AsSpan(0, tensor.Size).ToArray(), fileDims: tensor.Shape.Select(d => (ulong)d).ToArray());

    /// <summary>
    /// Checks that the store holds exactly the model's variables with their shapes (no data read yet), then loads
    /// every weight; on any mismatch nothing is changed and the message lists every problem, unless
    /// <paramref name="skipMismatch"/> leaves each mismatched or missing layer as it was (Keras's skip_mismatch).
    /// </summary>
    public static WeightsLoadReport LoadWeights(Model model, KerasVarsStore store, bool skipMismatch = false)
    {
        var layers = ModelWeights.LayerPaths(model);
        var reads = new WeightReads(store.Source, skipMismatch);
        foreach (var (path, layer) in layers)
            foreach (var (varsPath, weights) in ModelWeights.VarGroups(path, layer))
            {
                var file = store.FileHolding(varsPath);
                if (file is null)
                {
                    if (weights.Count > 0) reads.Mismatch(layer, $"missing '{varsPath}' ({layer} has {weights.Count} weights there)");
                    continue;
                }
                var saved = file.Children(varsPath).Datasets;
                var expectedNames = Enumerable.Range(0, weights.Count).Select(i => i.ToString()).ToHashSet();
                if (saved.Count != weights.Count || !saved.All(expectedNames.Contains))
                {
                    reads.Mismatch(layer, $"'{varsPath}' holds {saved.Count} variables ({string.Join(", ", saved.Order())}) where {layer} has {weights.Count}");
                    continue;
                }
                for (int i = 0; i < weights.Count; i++)
                {
                    string datasetPath = $"{varsPath}/{i}";
                    int[] shape = file.Shape(datasetPath);
                    var weight = weights[i];
                    if (!Tensor.SameShape(shape, weight.Shape))
                        reads.Mismatch(layer, $"'{datasetPath}' ({ModelWeights.ShortName(layer, weight)} of {layer}) expected {Tensor.ShapeString(weight.Shape)}, found {Tensor.ShapeString(shape)}");
                    else reads.Read(layer, weight, () => file.ReadFloats(datasetPath, weight.Shape));
                }
            }
        var known = layers.Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        foreach (string saved in store.SavedLayerPaths().Where(p => !known.Contains(p)).Order(StringComparer.Ordinal))
        {
            string varsPath = $"layers/{saved}/vars";
            if (store.FileHolding(varsPath) is { } file && file.Children(varsPath).Datasets.Count > 0)
                reads.Unexpected(saved, $"unexpected '{varsPath}' (model '{model.Name}' has no such layer)");
        }
        return reads.Apply(model, "layers", $"the {model.Weights.Count} weights of model '{model.Name}' at Keras's paths");
    }
}
