using Nabla.Serialization.Safetensors;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A model's weights as safetensors: each weight is stored under its Nabla name, the layer's name, "/",
/// then the weight's name ("dense/kernel", "dense/bias", "batch_normalization/moving_mean"). Keras's
/// .weights.h5 uses positional paths (layers/dense/vars/0); names are readable and survive reordering.
/// </summary>
internal static class ModelWeights
{
    public const string Extension = ".safetensors";

    public static Dictionary<string, Tensor> ByName(Model model) =>
        model.Weights.ToDictionary(w => w.Name!, w => w, StringComparer.Ordinal);

    public static Dictionary<string, string> Metadata() => new()
    {
        ["format"] = "nabla.weights",
        ["nabla_version"] = NablaVersion.Current,
    };

    /// <summary>Checks that <paramref name="tensors"/> holds exactly the model's weights with their shapes,
    /// then copies them in; on any mismatch nothing is changed and the message lists every problem.</summary>
    public static void Apply(Model model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var weights = model.Weights;
        var names = weights.Select(w => w.Name!).ToHashSet(StringComparer.Ordinal);
        var missing = weights.Where(w => !tensors.ContainsKey(w.Name!)).Select(w => w.Name!).ToList();
        var unexpected = tensors.Keys.Where(k => !names.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = weights
            .Where(w => tensors.TryGetValue(w.Name!, out var t) && !Tensor.SameShape(w.Shape, t.Shape))
            .Select(w => $"'{w.Name}' expected {Tensor.ShapeString(w.Shape)}, found {Tensor.ShapeString(tensors[w.Name!].Shape)}")
            .ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add("missing: " + string.Join(", ", missing.Select(n => $"'{n}'")));
            if (unexpected.Count > 0) problems.Add("unexpected: " + string.Join(", ", unexpected.Select(n => $"'{n}'")));
            if (mismatched.Count > 0) problems.Add("shape mismatch: " + string.Join("; ", mismatched));
            throw new ArgumentException(
                $"{source}: the weights do not match model '{model.Name}' ({weights.Count} weights); " +
                string.Join("; ", problems) + ". No weight was changed.");
        }
        model.SetWeights(weights.Select(w => tensors[w.Name!]).ToList());
    }

    /// <summary>Rejects paths without the expected extension, naming the Keras format that is not supported.</summary>
    public static void CheckExtension(string path, string extension, string kerasFormat, string operation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"{operation}: the path must end in \"{extension}\", found '{path}'. " +
                $"Keras's {kerasFormat} format is not supported.", nameof(path));
    }
}
