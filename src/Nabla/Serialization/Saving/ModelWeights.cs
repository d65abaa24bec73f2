using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A model's weights as safetensors. As in Keras 3's weights files, a layer is addressed by its class
/// (snake_case) numbered by position among layers of that class, never by its name: auto-generated
/// names ("dense_7") differ between two instances of one architecture. The tensor name is that path,
/// "/", then the weight's name: "dense/kernel", "batch_normalization/moving_mean", "dense_1/bias"
/// (Keras writes "layers/dense/vars/0"; weight names are more readable than variable indices).
/// </summary>
internal static class ModelWeights
{
    public const string Extension = ".safetensors";

    public static Dictionary<string, Tensor> ByName(Model model) => Paths(model).ToDictionary(p => p.Path, p => p.Weight, StringComparer.Ordinal);

    /// <summary>Every weight with its storage path, in <see cref="Model.Weights"/> order.</summary>
    public static List<(string Path, Tensor Weight)> Paths(Model model) =>
        LayerPaths(model)
            .SelectMany(l => l.Layer.Weights.Select(w => ($"{l.Path}/{ShortName(l.Layer, w)}", w)))
            .ToList();

    /// <summary>
    /// Each layer Keras saves with its path, "dense", "dense_1", "batch_normalization": the snake_case class
    /// numbered per class in layer order. A Sequential model's InputLayer is not one of Keras's
    /// <c>model.layers</c>, so it is neither saved nor counted. A nested model's layers follow its own path, as
    /// Keras's saving walks them: "functional/layers/dense".
    /// </summary>
    public static List<(string Path, Layer Layer)> LayerPaths(Model model) =>
        Walk(model).Where(e => e.Layer is not Model).ToList();

    /// <summary>The "vars" groups of a layer at <paramref name="path"/> in Keras 3's weights tree, each with the weights it
    /// holds: "layers/&lt;path&gt;/vars" with all of them, or, for a layer whose sublayers hold them
    /// (<see cref="Layer.KerasVarGroups"/>), its own (<see cref="Layer.KerasOwnVars"/>, mostly empty) and one per sublayer.</summary>
    public static List<(string VarsPath, IReadOnlyList<Tensor> Weights)> VarGroups(string path, Layer layer)
    {
        var children = layer.KerasVarGroups;
        if (children.Count == 0) return [($"layers/{path}/vars", layer.KerasFileWeights)];
        var own = layer.KerasOwnVars;
        // The sublayers' weights in the layer's order, without the variables only the layer itself holds.
        var grouped = layer.Weights.Where(w => !own.Contains(w) || layer.HeldBySublayer(w)).ToList();
        var groups = new List<(string, IReadOnlyList<Tensor>)> { ($"layers/{path}/vars", own) };
        var emptyGroups = new HashSet<string>(StringComparer.Ordinal);
        int next = 0;
        foreach (var (child, count) in children)
        {
            // A sublayer between the layer and the one holding the weights has its own empty vars, as Keras writes them
            // ("bidirectional/forward_layer/vars" above "bidirectional/forward_layer/cell/vars").
            for (int slash = child.IndexOf('/'); slash > 0; slash = child.IndexOf('/', slash + 1))
                if (emptyGroups.Add(child[..slash])) groups.Add(($"layers/{path}/{child[..slash]}/vars", []));
            groups.Add(($"layers/{path}/{child}/vars", grouped.Skip(next).Take(count).ToList()));
            next += count;
        }
        if (next != grouped.Count)
            throw new InvalidOperationException($"Layer '{layer.Name}' places {next} of its sublayers' {grouped.Count} weights in sublayer groups.");
        return groups;
    }

    /// <summary>Each model nested in <paramref name="model"/>, at any depth, with its path ("functional", "sequential_1").</summary>
    public static List<(string Path, Model Model)> NestedModelPaths(Model model) =>
        Walk(model).Where(e => e.Layer is Model).Select(e => (e.Path, (Model)e.Layer)).ToList();

    private static List<(string Path, Layer Layer)> Walk(Model model)
    {
        var paths = new List<(string, Layer)>();
        Walk(model, "", paths);
        return paths;
    }

    private static void Walk(Model model, string prefix, List<(string, Layer)> paths)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in model.Layers)
        {
            if (model is Sequential && layer is InputLayer) continue;
            string kind = LayerNames.SnakeCase(layer.ClassName);
            int index = seen.TryGetValue(kind, out int n) ? n + 1 : 0;
            seen[kind] = index;
            string path = prefix + (index == 0 ? kind : $"{kind}_{index}");
            paths.Add((path, layer));
            if (layer is Model nested) Walk(nested, path + "/layers/", paths);
        }
    }

    /// <summary>"kernel" from "dense_3/kernel": layers name their weights "layer/weight".</summary>
    public static string ShortName(Layer layer, Tensor weight)
    {
        string name = weight.Name ?? throw new InvalidOperationException($"A weight of layer '{layer.Name}' has no name.");
        return name.StartsWith(layer.Name + "/", StringComparison.Ordinal) ? name[(layer.Name.Length + 1)..] : name;
    }

    public static Dictionary<string, string> Metadata() => new()
    {
        ["format"] = "nabla.weights",
        ["nabla_version"] = NablaVersion.Current,
    };

    /// <summary>Checks that <paramref name="tensors"/> holds exactly the model's weights with their shapes, then
    /// copies them in; on any mismatch nothing is changed and the message lists every problem, unless
    /// <paramref name="skipMismatch"/> leaves each layer with a missing or mismatched tensor as it was.</summary>
    public static WeightsLoadReport Apply(Model model, IReadOnlyDictionary<string, Tensor> tensors, string source, bool skipMismatch = false)
    {
        var reads = new WeightReads(source, skipMismatch);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, layer) in LayerPaths(model))
            foreach (var weight in layer.Weights)
            {
                string name = $"{path}/{ShortName(layer, weight)}";
                names.Add(name);
                if (!tensors.TryGetValue(name, out var saved)) reads.Mismatch(layer, $"missing '{name}'");
                else if (!Tensor.SameShape(weight.Shape, saved.Shape))
                    reads.Mismatch(layer, $"'{name}' expected {Tensor.ShapeString(weight.Shape)}, found {Tensor.ShapeString(saved.Shape)}");
                else reads.Read(layer, weight, () => saved.Data.AsSpan(0, saved.Size).ToArray());
            }
        foreach (string name in tensors.Keys.Where(k => !names.Contains(k)).Order(StringComparer.Ordinal))
            reads.Unexpected(name, $"unexpected '{name}'");
        return reads.Apply(model, "tensors", $"the {names.Count} weights of model '{model.Name}' by Keras's layer paths");
    }
}
