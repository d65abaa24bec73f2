using Nabla.Configuration;
using System.IO.Compression;
using Nabla.Serialization;
using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;

namespace Nabla.Tests.Serialization;

/// <summary>
/// Writes a ".keras" in the layout Nabla used before it wrote Keras 3's own: config.json, metadata.json,
/// model.weights.safetensors and, once the optimizer has stepped, optimizer.safetensors. Such files exist and
/// must keep loading.
/// </summary>
internal static class NablaSafetensorsArchive
{
    public static void Save(Sequential model, string path)
    {
        var state = model.IsCompiled ? OptimizerState.Collect(model) : null;
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Text(zip, KerasArchive.ConfigEntry, KerasArchive.ModelConfig(model).ToJsonString());
        Text(zip, KerasArchive.MetadataEntry, new Config { ["nabla_version"] = "0.1.0", ["date_saved"] = "2026-01-01@00:00:00" }.ToJsonString());
        using (var weights = zip.CreateEntry(KerasArchive.SafetensorsWeightsEntry).Open())
            SafetensorsFile.Write(weights, ModelWeights.ByName(model), ModelWeights.Metadata());
        if (state is var (tensors, metadata))
        {
            using var stream = zip.CreateEntry(OptimizerState.Entry).Open();
            SafetensorsFile.Write(stream, tensors, metadata);
        }
    }

    private static void Text(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
