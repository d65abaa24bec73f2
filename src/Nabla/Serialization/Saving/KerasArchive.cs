using Nabla.Configuration;
using System.Globalization;
using System.IO.Compression;
using Nabla.Data;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Serialization.Safetensors;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A whole model in one zip file, laid out like Keras 3's ".keras" archive: <c>config.json</c> (the
/// Sequential or Functional config with <c>build_config</c> and, once compiled, <c>compile_config</c>),
/// <c>metadata.json</c> (Nabla version, save date) and <c>model.weights.safetensors</c> (Keras stores
/// <c>model.weights.h5</c> there) and, once the optimizer has taken a step, <c>optimizer.safetensors</c>
/// (its moments and iteration count, see <see cref="OptimizerState"/>), so a loaded model trains on exactly
/// where the saved one stopped.
/// </summary>
internal static class KerasArchive
{
    public const string Extension = ".keras";
    public const string ConfigEntry = "config.json";
    public const string MetadataEntry = "metadata.json";
    public const string WeightsEntry = "model.weights.safetensors";

    public static void Save(Model model, string path)
    {
        var config = KerasModelJson.ToConfig(model);
        if (model.InputShape is int[] inputShape)
            config["build_config"] = new Config { ["input_shape"] = BatchShape(inputShape) };
        if (model.IsCompiled) config["compile_config"] = CompileConfig(model);
        var metadata = new Config
        {
            ["nabla_version"] = NablaVersion.Current,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", CultureInfo.InvariantCulture),
        };
        var weights = ModelWeights.ByName(model);
        var optimizerState = model.IsCompiled ? OptimizerState.Collect(model) : null;
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteText(zip, ConfigEntry, config.ToJsonString());
            WriteText(zip, MetadataEntry, metadata.ToJsonString());
            using (var weightStream = zip.CreateEntry(WeightsEntry, CompressionLevel.NoCompression).Open())
                SafetensorsFile.Write(weightStream, weights, ModelWeights.Metadata());
            if (optimizerState is var (stateTensors, stateMetadata))
            {
                using var stateStream = zip.CreateEntry(OptimizerState.Entry, CompressionLevel.NoCompression).Open();
                SafetensorsFile.Write(stateStream, stateTensors, stateMetadata);
            }
        });
    }

    public static Model Load(string path)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e)
        {
            throw DataFormatException.InFile(path, "a .keras zip archive", $"not a zip file ({e.Message})");
        }
        using (zip)
        {
            var configEntry = RequireEntry(zip, ConfigEntry, path);
            var weightsEntry = RequireEntry(zip, WeightsEntry, path);
            string configSource = $"{path}/{ConfigEntry}";
            string configJson;
            using (var reader = new StreamReader(configEntry.Open())) configJson = reader.ReadToEnd();
            var config = ParseConfig(configJson, configSource);
            var model = KerasModelJson.FromConfig(config, configSource);
            if (!model.IsBuilt && config.GetConfig("build_config")?.GetIntArray("input_shape") is int[] batchShape)
                model.Build(batchShape[1..]);
            if (!model.IsBuilt)
                throw DataFormatException.AtField(configSource, "build_config",
                    "an input shape (a declared batch_shape or build_config.input_shape)", "none, so the weights have nowhere to go");

            string weightsSource = $"{path}/{WeightsEntry}";
            var weights = model.Weights;
            long weightBytes = weights.Sum(w => 4L * w.Size);
            ModelWeights.Apply(model, ReadSafetensors(weightsEntry, weightsSource, MaxEntryBytes(weightBytes, weights.Count)).Tensors, weightsSource);

            if (config.GetConfig("compile_config") is Config compile) Compile(model, compile, configSource);
            if (zip.GetEntry(OptimizerState.Entry) is { } stateEntry)
            {
                string stateSource = $"{path}/{OptimizerState.Entry}";
                // Each weight has at most three state arrays (Adam with amsgrad).
                long stateBytes = MaxEntryBytes(3 * weightBytes, 3 * weights.Count);
                OptimizerState.Restore(model, ReadSafetensors(stateEntry, stateSource, stateBytes), stateSource);
            }
            return model;
        }
    }

    /// <summary>The largest entry that can hold <paramref name="dataBytes"/> of tensors in <paramref name="tensors"/>
    /// tensors: the data, the size prefix and a generous header (names, shapes, offsets, metadata).</summary>
    private static long MaxEntryBytes(long dataBytes, int tensors) => dataBytes + 8 + 4096 + 1024L * tensors;

    /// <summary>Reads a safetensors entry into memory, refusing one larger than the model can need (a zip
    /// entry's size is only declared: the copy stops one byte past the limit whatever it says).</summary>
    private static SafetensorsContent ReadSafetensors(ZipArchiveEntry entry, string source, long maxBytes)
    {
        if (entry.Length > maxBytes) throw TooLarge(source, maxBytes, $"{entry.Length} bytes");
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, maxBytes));
        using (var stream = entry.Open())
        {
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes) throw TooLarge(source, maxBytes, "more");
            }
        }
        buffer.Position = 0;
        return SafetensorsFile.Read(buffer, buffer.Length, source);
    }

    private static DataFormatException TooLarge(string source, long maxBytes, string found) =>
        DataFormatException.AtField(source, "size", $"at most {maxBytes} bytes (this model's tensors and a header)", found);

    private static Config ParseConfig(string json, string source)
    {
        try { return Config.Parse(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw DataFormatException.AtField(source, "whole entry", "a JSON object", $"invalid JSON ({e.Message})");
        }
    }

    /// <summary>Keras's <c>compile_config</c>: the optimizer and loss as serialized objects, metric identifiers;
    /// for several outputs the losses, metrics and loss weights are dictionaries keyed by output name.</summary>
    private static Config CompileConfig(Model model)
    {
        object? Metrics(int output) => model.MetricSpecsOf(output)
            .Select(m => m is Metric metric ? Metric.Serialize(metric) : m).ToList();
        if (model.OutputCount == 1)
            return new()
            {
                ["optimizer"] = Optimizer.Serialize(model.Optimizer!),
                ["loss"] = Loss.Serialize(model.Loss!),
                ["metrics"] = Metrics(0),
                ["loss_weights"] = null,
                ["weighted_metrics"] = null,
            };
        var names = model.OutputNames;
        Config PerOutput(Func<int, object?> value) => new(Enumerable.Range(0, names.Count).ToDictionary(o => names[o], value));
        return new()
        {
            ["optimizer"] = Optimizer.Serialize(model.Optimizer!),
            ["loss"] = PerOutput(o => model.Losses[o] is { } loss ? Loss.Serialize(loss) : null),
            ["metrics"] = PerOutput(Metrics),
            ["loss_weights"] = PerOutput(o => (double)model.LossWeights[o]),
            ["weighted_metrics"] = null,
        };
    }

    private static void Compile(Model model, Config compile, string source)
    {
        try
        {
            var optimizer = Optimizer.Deserialize(Require(compile, "optimizer", source));
            var loss = Require(compile, "loss", source);
            if (loss is Config perOutput && !perOutput.ContainsKey("class_name"))
            {
                var losses = perOutput.ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : (object?)Loss.Deserialize(kv.Value));
                var metrics = compile.GetConfig("metrics") is { } m
                    ? m.ToDictionary(kv => kv.Key, kv => (object?)MetricList(kv.Value, source)) : new Dictionary<string, object?>();
                object? weights = compile.GetConfig("loss_weights") is { } w ? w.ToDictionary(kv => kv.Key, kv => kv.Value) : null;
                model.Compile(optimizer, losses, metrics, weights);
            }
            else model.Compile(optimizer, Loss.Deserialize(loss), CompiledMetrics(compile, source));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{source} 'compile_config': {e.Message}", e);
        }
    }

    private static object Require(Config compile, string key, string source) =>
        compile.TryGet(key, out var value)
            ? value!
            : throw DataFormatException.AtField(source, $"compile_config.{key}", "a name or a serialized object", "none");

    private static List<object> CompiledMetrics(Config compile, string source) =>
        compile.TryGet("metrics", out var list) ? MetricList(list, source) : [];

    private static List<object> MetricList(object? list, string source)
    {
        if (list is null) return [];
        if (list is not List<object?> items)
            throw DataFormatException.AtField(source, "compile_config.metrics", "a list", Config.Describe(list));
        return items.Select(item => item switch
        {
            string name => name,
            Config c => (object)Metric.Deserialize(c),
            _ => throw DataFormatException.AtField(source, "compile_config.metrics", "names or serialized metrics", Config.Describe(item)),
        }).ToList();
    }

    private static List<object?> BatchShape(int[] perSample) => [null, .. perSample.Select(d => (object?)(long)d)];

    private static void WriteText(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new System.Text.UTF8Encoding(false));
        writer.Write(text);
    }

    private static ZipArchiveEntry RequireEntry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw DataFormatException.AtField(path, $"entry '{name}'",
            $"a .keras archive with {ConfigEntry} and {WeightsEntry}",
            "entries: " + (zip.Entries.Count == 0 ? "none" : string.Join(", ", zip.Entries.Select(e => e.FullName))));
}
