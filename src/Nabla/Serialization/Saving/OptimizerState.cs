using Nabla.Configuration;
using System.Globalization;
using Nabla.Data;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A compiled model's optimizer state in a ".keras" archive, as the safetensors entry
/// <c>optimizer.safetensors</c>: one tensor per weight and state array, named by the weight's storage path
/// and the state's Keras name ("dense/kernel/momentum", "dense/kernel/velocity"), each at the state's shape (the
/// weight's, but for Adafactor's factored r and c), with the optimizer's class
/// and <c>iterations</c> in the metadata. Keras keeps the same variables under "optimizer" in its weights file.
/// </summary>
internal static class OptimizerState
{
    public const string Entry = "optimizer.safetensors";

    private const string ClassKey = "optimizer";
    private const string IterationsKey = "iterations";

    /// <summary>The tensors and metadata to save; null when the optimizer has not taken a step yet.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata)? Collect(Model model)
    {
        var optimizer = model.Optimizer;
        if (optimizer is null || optimizer.Iterations == 0) return null;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (path, weight) in ModelWeights.Paths(model))
            foreach (var (name, values, shape) in optimizer.SavedState(weight))
                tensors[$"{path}/{name}"] = Tensor.FromArray(values, shape);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "nabla.optimizer",
            ["nabla_version"] = NablaVersion.Current,
            [ClassKey] = optimizer.ClassName,
            [IterationsKey] = optimizer.Iterations.ToString(CultureInfo.InvariantCulture),
        };
        return (tensors, metadata);
    }

    /// <summary>Checks every saved array against the model's weights and compiled optimizer, then restores
    /// them and the iteration count; on any problem nothing is restored and the error names the field.</summary>
    public static void Restore(Model model, Safetensors.SafetensorsContent content, string source)
    {
        var optimizer = model.Optimizer ?? throw DataFormatException.AtField(source, "whole entry",
            "an archive with a compile_config (the optimizer state belongs to a compiled model)", "no compile_config");
        string savedClass = content.Metadata.GetValueOrDefault(ClassKey) ?? "none";
        if (savedClass != optimizer.ClassName)
            throw DataFormatException.AtField(source, $"__metadata__.{ClassKey}", $"\"{optimizer.ClassName}\" (the compiled optimizer)", $"\"{savedClass}\"");
        string iterationsText = content.Metadata.GetValueOrDefault(IterationsKey) ?? "none";
        if (!long.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out long iterations))
            throw DataFormatException.AtField(source, $"__metadata__.{IterationsKey}", "a whole number of steps", $"\"{iterationsText}\"");

        var weights = ModelWeights.Paths(model).ToDictionary(p => p.Path, p => p.Weight, StringComparer.Ordinal);
        var restores = new List<(Tensor Weight, string Name, float[] Values, string Field)>();
        foreach (var (key, values) in content.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            int slash = key.LastIndexOf('/');
            string path = slash > 0 ? key[..slash] : "", name = key[(slash + 1)..];
            if (!weights.TryGetValue(path, out var weight))
                throw DataFormatException.AtField(source, $"tensor '{key}'",
                    "a weight's path then a state name (weights: " + string.Join(", ", weights.Keys) + ")", $"no weight '{path}'");
            if (!optimizer.HasStateNamed(name))
                throw DataFormatException.AtField(source, $"tensor '{key}'",
                    $"a state {optimizer.ClassName} keeps ({optimizer.DescribeStateNames()})", $"'{name}'");
            int[] shape = optimizer.StateShapeOf(weight, name);
            if (!Tensor.SameShape(values.Shape, shape))
                throw DataFormatException.AtField(source, $"tensor '{key}'",
                    $"shape {Tensor.ShapeString(shape)} ({optimizer.ClassName}'s '{name}' of a weight of shape {Tensor.ShapeString(weight.Shape)})",
                    Tensor.ShapeString(values.Shape));
            restores.Add((weight, name, values.Data, $"tensor '{key}'"));
        }
        FileContent.RestoreOptimizer(optimizer, source, restores, iterations, $"__metadata__.{IterationsKey}");
    }
}
