using Nabla.Configuration;
using System.Globalization;
using System.IO.Compression;
using Nabla.Data;
using Nabla.Serialization.Hdf5;
using Nabla.Serialization.Safetensors;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A whole model as Keras 3's ".keras" zip: <c>metadata.json</c> (<c>keras_version</c>, <c>date_saved</c>),
/// <c>config.json</c> (the model config with <c>build_config</c> and, once compiled, <c>compile_config</c>) and
/// <c>model.weights.h5</c> (weights and optimizer state, see <see cref="KerasWeightsTree"/>), all stored uncompressed;
/// on loading, the <c>assets/</c> files of the layers that read them (<see cref="Layers.Layer.KerasAssetNames"/>).
/// Reads those written by Keras 3.0 on, and Nabla's own earlier layout with <c>model.weights.safetensors</c> and
/// <c>optimizer.safetensors</c>.
/// </summary>
internal static class KerasArchive
{
    public const string Extension = ".keras";
    public const string ConfigEntry = "config.json";
    public const string MetadataEntry = "metadata.json";
    public const string WeightsEntry = "model.weights.h5";
    public const string SafetensorsWeightsEntry = "model.weights.safetensors";

    /// <summary>The Keras version written in metadata.json: the newest layout Nabla writes (vars groups named, 3.6+).</summary>
    public const string KerasVersion = "3.10.0";

    private const long MaxJsonBytes = 64L << 20;

    public static void Save(Model model, string path)
    {
        var config = KerasConfigStyle.ForKeras(ModelConfig(model));
        var metadata = new Config
        {
            ["keras_version"] = KerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
            ["nabla_version"] = NablaVersion.Current,
        };
        using var weights = new MemoryStream();
        KerasWeightsTree.Write(model, weights);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntry(zip, MetadataEntry, System.Text.Encoding.UTF8.GetBytes(metadata.ToJsonString()));
            WriteEntry(zip, ConfigEntry, System.Text.Encoding.UTF8.GetBytes(config.ToJsonString()));
            WriteEntry(zip, WeightsEntry, weights.ToArray());
        });
    }

    /// <summary>The model config with its build and compile configs, as Keras's <c>serialize_keras_object(model)</c>.</summary>
    internal static Config ModelConfig(Model model)
    {
        var config = KerasModelJson.ToConfig(model);
        if (model.InputShape is int[] inputShape)
            config["build_config"] = new Config { ["input_shape"] = Layers.Layer.ShapeConfig(inputShape) };
        if (model.IsCompiled) config["compile_config"] = KerasCompileConfig.Write(model);
        return config;
    }

    public static Model Load(string path)
    {
        Nabla.Data.DataFile.RequireExists(path);
        using var zip = KerasZip.Open(path);
        if (!zip.Contains(ConfigEntry) || !(zip.Contains(WeightsEntry) || zip.Contains(SafetensorsWeightsEntry)))
            throw DataFormatException.AtField(path, $"entry '{(zip.Contains(ConfigEntry) ? WeightsEntry : ConfigEntry)}'",
                $"a .keras archive with {ConfigEntry} and {WeightsEntry} (or Nabla's earlier {SafetensorsWeightsEntry})",
                "entries: " + (zip.EntryNames.Any() ? string.Join(", ", zip.EntryNames) : "none"));
        string configSource = $"{path}/{ConfigEntry}";
        var config = ParseConfig(zip.ReadText(ConfigEntry, MaxJsonBytes), configSource);
        var model = BuildModel(config, configSource);

        if (config.GetConfig("compile_config") is Config compile) KerasCompileConfig.Compile(model, compile, configSource);
        LoadAssets(model, zip);
        if (zip.Contains(WeightsEntry)) LoadHdf5(model, zip);
        else LoadSafetensors(model, zip);
        return model;
    }

    /// <summary>The model of a Keras config, built from its declared input or its <c>build_config</c>.</summary>
    internal static Model BuildModel(Config config, string source)
    {
        var model = FileContent.Use(source, "model config", "a Keras model config Nabla can build", () =>
        {
            // The refusal names the file and the field once, here.
            var built = KerasModelJson.FromConfig(config);
            if (!built.IsBuilt && config.GetConfig("build_config")?.GetIntArray("input_shape") is int[] batchShape)
                built.Build(batchShape[1..]);
            return built;
        });
        if (!model.IsBuilt)
            throw DataFormatException.AtField(source, "build_config",
                "an input shape (a declared batch_shape or build_config.input_shape)", "none, so the weights have nowhere to go");
        return model;
    }

    /// <summary>The assets Keras's <c>save_assets</c> wrote for the layers that read them
    /// (<see cref="Layers.Layer.KerasAssetNames"/>), from <c>assets/layers/&lt;path&gt;/&lt;name&gt;</c>, the layer's path
    /// in the weights tree; a missing one is refused, naming the layer and the entry.</summary>
    private static void LoadAssets(Model model, KerasZip zip)
    {
        foreach (var (path, layer) in ModelWeights.LayerPaths(model))
            foreach (var name in layer.KerasAssetNames)
            {
                string entry = $"{AssetsFolder}/layers/{path}/{name}";
                if (!zip.Contains(entry))
                    throw DataFormatException.AtField(zip.Path, $"entry '{entry}'",
                        $"the asset '{name}' of {layer} (its config leaves it to the archive's assets)",
                        "no such entry; entries: " + string.Join(", ", zip.EntryNames));
                string text = zip.ReadText(entry, MaxJsonBytes);
                FileContent.Use($"{zip.Path}/{entry}", "whole entry", $"the asset '{name}' of {layer}", () => layer.LoadKerasAsset(name, text));
            }
    }

    /// <summary>The archive's folder of layer assets (Keras's <c>_ASSETS_DIRNAME</c>).</summary>
    public const string AssetsFolder = "assets";

    /// <summary>Keras's <c>load_weights("model.keras")</c>: the archive's weights (and, into a compiled model, its
    /// optimizer's state) into a model built here, its config unread.</summary>
    public static WeightsLoadReport LoadWeights(Model model, string path, bool skipMismatch)
    {
        Nabla.Data.DataFile.RequireExists(path);
        using var zip = KerasZip.Open(path);
        if (zip.Contains(WeightsEntry)) return LoadHdf5(model, zip, skipMismatch);
        if (!zip.Contains(SafetensorsWeightsEntry))
            throw DataFormatException.AtField(path, $"entry '{WeightsEntry}'", $"a .keras archive with {WeightsEntry}",
                "entries: " + (zip.EntryNames.Any() ? string.Join(", ", zip.EntryNames) : "none"));
        return ApplySafetensorsWeights(model, zip, skipMismatch);
    }

    /// <summary>Nabla's earlier archives' safetensors weights entry, read within what the model can need, into the model.</summary>
    private static WeightsLoadReport ApplySafetensorsWeights(Model model, KerasZip zip, bool skipMismatch)
    {
        var weights = model.Weights;
        string source = $"{zip.Path}/{SafetensorsWeightsEntry}";
        var tensors = ReadSafetensors(zip, SafetensorsWeightsEntry, source, MaxEntryBytes(weights.Sum(w => 4L * w.Size), weights.Count)).Tensors;
        return ModelWeights.Apply(model, tensors, source, skipMismatch);
    }

    private static WeightsLoadReport LoadHdf5(Model model, KerasZip zip, bool skipMismatch = false)
    {
        string source = $"{zip.Path}/{WeightsEntry}";
        // Skipping what does not fit, the archive may hold far more than this model needs (a pretrained network's
        // weights for a smaller model): a stored entry, bounded by the archive's own length, is read whole.
        long bound = MaxHdf5Bytes(model);
        if (skipMismatch) bound = Math.Max(bound, zip.StoredLength(WeightsEntry));
        byte[] bytes = zip.Read(WeightsEntry, bound);
        using var file = Hdf5Reader.Open(new MemoryStream(bytes, writable: false), source);
        using var store = KerasVarsStore.Single(file);
        var report = KerasWeightsTree.LoadWeights(model, store, skipMismatch);
        KerasOptimizerVariables.RestoreAfter(report, model, file);
        return report;
    }

    /// <summary>The largest weights file this model can need: its weights, up to three optimizer slots per weight
    /// (Adam with amsgrad), and generous room for HDF5's own structures per variable.</summary>
    internal static long MaxHdf5Bytes(Model model)
    {
        var weights = model.Weights;
        long data = weights.Sum(w => 4L * w.Size);
        return 4 * data + (1L << 20) + 16384L * (weights.Count * 4 + model.Layers.Count + 8);
    }

    private static void LoadSafetensors(Model model, KerasZip zip)
    {
        // Inside an archive, weights that do not fit the archive's own config are the archive's fault (a DataFormatException).
        ApplySafetensorsWeights(model, zip, skipMismatch: false);
        if (zip.Contains(OptimizerState.Entry) && model.IsCompiled)
        {
            var weights = model.Weights;
            long weightBytes = weights.Sum(w => 4L * w.Size);
            string stateSource = $"{zip.Path}/{OptimizerState.Entry}";
            // Each weight has at most three state arrays (Adam with amsgrad).
            long stateBytes = MaxEntryBytes(3 * weightBytes, 3 * weights.Count);
            OptimizerState.Restore(model, ReadSafetensors(zip, OptimizerState.Entry, stateSource, stateBytes), stateSource);
        }
        else if (zip.Contains(OptimizerState.Entry))
            throw DataFormatException.AtField($"{zip.Path}/{OptimizerState.Entry}", "whole entry",
                "an archive with a compile_config (the optimizer state belongs to a compiled model)", "no compile_config");
    }

    /// <summary>The largest safetensors entry that can hold <paramref name="dataBytes"/> of tensors in
    /// <paramref name="tensors"/> tensors: the data, the size prefix and a generous header.</summary>
    private static long MaxEntryBytes(long dataBytes, int tensors) => dataBytes + 8 + 4096 + 1024L * tensors;

    private static SafetensorsContent ReadSafetensors(KerasZip zip, string entry, string source, long maxBytes)
    {
        byte[] bytes = zip.Read(entry, maxBytes);
        return SafetensorsFile.Read(new MemoryStream(bytes, writable: false), bytes.Length, source);
    }

    internal static Config ParseConfig(string json, string source)
    {
        try { return Config.Parse(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw DataFormatException.AtField(source, "whole entry", "a JSON object", $"invalid JSON ({e.Message})");
        }
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }
}
