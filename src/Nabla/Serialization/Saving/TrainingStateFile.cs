using Nabla.Data;
using Nabla.Serialization.Safetensors;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A training backup in one safetensors file, written atomically: every weight ("model/…"), the optimizer's arrays
/// ("optimizer/…") with its class and iteration count, and the caller's metadata (epoch, generator, sample order).
/// </summary>
internal static class TrainingStateFile
{
    private const string ModelPrefix = "model/", OptimizerPrefix = "optimizer/";

    public static void Save(Model model, string path, IReadOnlyDictionary<string, string> metadata)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (weightPath, weight) in ModelWeights.Paths(model)) tensors[ModelPrefix + weightPath] = weight;
        var allMetadata = new Dictionary<string, string>(metadata)
        {
            ["format"] = "nabla.backup",
            ["nabla_version"] = NablaVersion.Current,
        };
        if (OptimizerState.Collect(model) is var (stateTensors, stateMetadata))
        {
            foreach (var (name, tensor) in stateTensors) tensors[OptimizerPrefix + name] = tensor;
            foreach (var (key, value) in stateMetadata) allMetadata[OptimizerPrefix + key] = value;
        }
        SafetensorsFile.Write(path, tensors, allMetadata);
    }

    /// <summary>The file's metadata, and the action that restores its weights and optimizer state into the model
    /// (each checked against the model before anything of it is written).</summary>
    public static (IReadOnlyDictionary<string, string> Metadata, Action Restore) Read(Model model, string path)
    {
        var content = SafetensorsFile.Read(path);
        var weights = Select(content.Tensors, ModelPrefix);
        var optimizerTensors = Select(content.Tensors, OptimizerPrefix);
        var optimizerMetadata = content.Metadata.Where(m => m.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(m => m.Key[OptimizerPrefix.Length..], m => m.Value);
        return (content.Metadata, () =>
        {
            ModelWeights.Apply(model, weights, path);
            if (optimizerMetadata.Count > 0)
                OptimizerState.Restore(model, new SafetensorsContent(optimizerTensors, optimizerMetadata), path);
        });
    }

    private static Dictionary<string, Tensor> Select(IReadOnlyDictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[prefix.Length..], t => t.Value, StringComparer.Ordinal);
}
