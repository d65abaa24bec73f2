using Nabla.Configuration;
using System.Buffers.Binary;
using Nabla.Data;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization.TensorFlowJs;

/// <summary>
/// A TensorFlow.js layers model: <c>model.json</c> with <c>modelTopology</c> (a Keras model config, wrapped in
/// <c>model_config</c> by the converter or given directly by tfjs's own <c>model.save</c>) and
/// <c>weightsManifest</c> (groups of float32 weights named "&lt;layer&gt;/&lt;weight&gt;" with their shapes, stored
/// as raw little-endian values in the group's <c>.bin</c> shards, concatenated in manifest order).
/// </summary>
internal static class TfjsLayersModel
{
    public const string Extension = ".json";
    private const string ShardName = "group1-shard1of1.bin";
    private const long MaxJsonBytes = 64L << 20;

    public static Model Load(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxJsonBytes)
            throw DataFormatException.InFile(path, $"a model.json of at most {MaxJsonBytes} bytes", $"{info.Length} bytes");
        var root = KerasArchive.ParseConfig(File.ReadAllText(path), path);
        var topology = root.GetConfig("modelTopology")
            ?? throw DataFormatException.AtField(path, "modelTopology", "a TensorFlow.js layers model (format \"layers-model\")", "none");
        var modelConfig = topology.GetConfig("model_config") ?? topology;
        if (!modelConfig.ContainsKey("build_config") && modelConfig.GetConfig("config")?.GetIntArray("build_input_shape") is int[] shape)
            modelConfig["build_config"] = new Config { ["input_shape"] = shape.Select(d => d < 0 ? null : (object?)(long)d).ToList() };
        var model = KerasArchive.BuildModel(modelConfig, $"{path} modelTopology");
        LoadWeights(model, root, path);
        var training = topology.GetConfig("training_config") ?? root.GetConfig("trainingConfig");
        if (training is not null) LegacyTrainingConfig.Compile(model, training, $"{path} training_config");
        return model;
    }

    private static void LoadWeights(Model model, Config root, string path)
    {
        if (!root.TryGet("weightsManifest", out var manifestValue) || manifestValue is not List<object?> groups)
            throw DataFormatException.AtField(path, "weightsManifest", "a list of weight groups", Config.Describe(manifestValue));
        var byName = model.Weights.ToDictionary(w => w.Name!, StringComparer.Ordinal);
        foreach (var (other, own) in WeightNameAliases(model))
            if (byName.TryGetValue(own, out var weight)) byName.TryAdd(other, weight);
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        for (int g = 0; g < groups.Count; g++)
        {
            string where = $"weightsManifest[{g}]";
            if (groups[g] is not Config group) throw DataFormatException.AtField(path, where, "an object", Config.Describe(groups[g]));
            var entries = ReadEntries(group, path, where, byName);
            long needed = entries.Sum(e => 4 * Tensor.ElementCount(e.Shape));
            byte[] bytes = ReadShards(group, folder, path, where, needed);
            int offset = 0;
            foreach (var (name, shape) in entries)
            {
                int count = (int)Tensor.ElementCount(shape);
                var data = new float[count];
                for (int i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * i));
                offset += 4 * count;
                if (!values.TryAdd(byName[name].Name!, Tensor.FromArray(data, shape)))
                    throw DataFormatException.AtField(path, where, "each weight once", $"'{name}' twice");
            }
        }
        var missing = model.Weights.Select(w => w.Name!).Where(k => !values.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw DataFormatException.AtField(path, "weightsManifest", $"every weight of model '{model.Name}'", "missing: " + string.Join(", ", missing));
        FileContent.SetWeights(model, model.Weights.Select(w => values[w.Name!]).ToList(), path);
    }

    /// <summary>Each other full name a file may give a weight of the model ("dw/kernel" for "dw/depthwise_kernel"), with
    /// the weight's own (each layer's WeightNameAliases), in nested models too.</summary>
    private static IEnumerable<(string Other, string Own)> WeightNameAliases(Model model) =>
        model.Layers.SelectMany(layer => (layer is Model nested ? WeightNameAliases(nested) : [])
            .Concat(layer.WeightNameAliases.Select(a => ($"{layer.Name}/{a.Other}", $"{layer.Name}/{a.Own}"))));

    /// <summary>The manifest's weights with their shapes, each checked against the model's before any byte is read.</summary>
    private static List<(string Name, int[] Shape)> ReadEntries(Config group, string path, string where, Dictionary<string, Tensor> byName)
    {
        if (!group.TryGet("weights", out var list) || list is not List<object?> weights)
            throw DataFormatException.AtField(path, $"{where}.weights", "a list", Config.Describe(list));
        var entries = new List<(string, int[])>();
        for (int i = 0; i < weights.Count; i++)
        {
            string at = $"{where}.weights[{i}]";
            if (weights[i] is not Config spec) throw DataFormatException.AtField(path, at, "an object", Config.Describe(weights[i]));
            string name = spec.GetString("name", null) ?? throw DataFormatException.AtField(path, $"{at}.name", "a weight name", "none");
            string dtype = spec.GetString("dtype", "float32")!;
            if (dtype != "float32" || spec.TryGet("quantization", out _))
                throw new NotSupportedException($"{path} {at} ('{name}'): dtype {dtype}{(spec.ContainsKey("quantization") ? " quantized" : "")}; Nabla reads float32 weights only.");
            int[] shape = spec.GetIntArray("shape") ?? throw DataFormatException.AtField(path, $"{at}.shape", "a shape", "none");
            if (!byName.TryGetValue(name, out var weight))
                throw DataFormatException.AtField(path, at, $"a weight of the model ({string.Join(", ", byName.Keys)})", $"'{name}'");
            if (!Tensor.SameShape(shape, weight.Shape))
                throw DataFormatException.AtField(path, at, $"shape {Tensor.ShapeString(weight.Shape)} for '{name}'", Tensor.ShapeString(shape));
            entries.Add((name, shape));
        }
        return entries;
    }

    /// <summary>The group's shards concatenated, which must hold exactly <paramref name="needed"/> bytes (checked
    /// from the files' sizes before reading). Shard paths are plain names beside model.json.</summary>
    private static byte[] ReadShards(Config group, string folder, string path, string where, long needed)
    {
        if (!group.TryGet("paths", out var list) || list is not List<object?> paths || paths.Any(p => p is not string))
            throw DataFormatException.AtField(path, $"{where}.paths", "a list of shard file names", Config.Describe(list));
        var files = new List<string>();
        foreach (string name in paths.Cast<string>())
        {
            if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name is "." or ".." || Path.IsPathRooted(name))
                throw DataFormatException.AtField(path, $"{where}.paths", "shard file names beside model.json", $"'{name}'");
            files.Add(Path.Combine(folder, name));
        }
        long total = files.Sum(f => new FileInfo(f).Exists ? new FileInfo(f).Length
            : throw new FileNotFoundException($"{path} {where}: shard '{Path.GetFileName(f)}' not found beside model.json.", f));
        if (total != needed)
            throw DataFormatException.AtField(path, $"{where}.paths", $"{needed} bytes of float32 weights in the shards", $"{total} bytes");
        var bytes = new byte[needed];
        int offset = 0;
        foreach (string file in files)
        {
            using var stream = File.OpenRead(file);
            stream.ReadExactly(bytes, offset, (int)stream.Length);
            offset += (int)stream.Length;
        }
        return bytes;
    }

    /// <summary>A grouped convolution is refused before anything is written: tfjs-layers' convolutions take no
    /// <c>groups</c>, so the file would fail there on the kernel's shape.</summary>
    private static void RefuseWhatTfjsCannotRead(Model model)
    {
        foreach (var layer in model.Layers)
        {
            if (layer is Model inner) RefuseWhatTfjsCannotRead(inner);
            else if (layer is Layers.BaseConv { Groups: > 1 } conv)
                throw new NotSupportedException(
                    $"TensorFlow.js export: layer '{conv.Name}' ({conv.ClassName}) has groups = {conv.Groups}; TensorFlow.js's convolutions " +
                    "take no groups, so the file would not load there. Save it as .keras or .h5, or export it to ONNX.");
        }
    }

    /// <summary>Writes <c>model.json</c> (the converter's layout) and its one shard beside it.</summary>
    public static void Save(Sequential model, string path)
    {
        RefuseWhatTfjsCannotRead(model);
        var topology = new Config
        {
            ["keras_version"] = KerasArchive.KerasVersion,
            ["backend"] = "tensorflow",
            ["model_config"] = KerasConfigStyle.ForKeras(KerasModelJson.ToConfig(model)),
        };
        if (model.IsCompiled) topology["training_config"] = LegacyTrainingConfig.Write(model);
        var weights = model.Weights;
        var root = new Config
        {
            ["format"] = "layers-model",
            ["generatedBy"] = $"Nabla {NablaVersion.Current}",
            ["convertedBy"] = null,
            ["modelTopology"] = topology,
            ["weightsManifest"] = new List<object?>
            {
                new Config
                {
                    ["paths"] = new List<object?> { ShardName },
                    ["weights"] = weights.Select(w => (object?)new Config
                    {
                        ["name"] = w.Name,
                        ["shape"] = w.Shape.Select(d => (object?)(long)d).ToList(),
                        ["dtype"] = "float32",
                    }).ToList(),
                },
            },
        };
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        AtomicFile.Write(Path.Combine(folder, ShardName), stream =>
        {
            var buffer = new byte[4];
            foreach (var weight in weights)
                for (int i = 0; i < weight.Size; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer, weight.Data[i]);
                    stream.Write(buffer);
                }
        });
        AtomicFile.WriteAllText(path, root.ToJsonString());
    }
}
